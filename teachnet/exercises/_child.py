"""The child process: imports a student's file and runs it on the checker's inputs.

Everything the student wrote runs here and only here. This process compares
nothing and decides nothing: it sends the raw results (tensors as data) to the
checker over a private pipe, each message stamped with the checker's nonce,
and the checker computes the references and judges. Before the student's file
is imported, the memory is capped and every torch op that the exercises
reimplement is replaced by a function that records the call and raises.

Run as ``python -I _child.py FD PLAN MEMORY_BYTES OUTPUT_BYTES`` by ``runner.py``; it imports
only the standard library, torch and ``_wire.py`` (by path, so that teachnet,
which holds the reference solutions, stays out of reach).
"""
import importlib.abc
import importlib.util
import json
import os
import resource
import signal
import sys
import traceback

STUDENT_MODULE = "student_solution"


def main(fd, plan_path, memory_bytes, output_bytes):
    if memory_bytes > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # A write past output_bytes (stdout, stderr, any file) ends the process with SIGXFSZ, which the
    # checker reports as too much output; Python ignores the signal by default, and no core file either.
    resource.setrlimit(resource.RLIMIT_FSIZE, (output_bytes, output_bytes))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
    channel = os.fdopen(fd, "w", buffering=1)
    with open(plan_path) as file:
        plan = json.load(file)
    os.unlink(plan_path)  # the nonce lives on only in this process's memory (no file or argument names it)
    nonce = plan["nonce"]

    def send(event, **fields):
        channel.write(json.dumps({"nonce": nonce, "event": event, **fields}) + "\n")
        channel.flush()

    send("start", step="importing torch")
    import torch  # noqa: F401  (after the memory cap: the cap must hold torch too)

    run_plan(plan, send)


def run_plan(plan, send):
    """Import the student's file and run every case of ``plan``, reporting through ``send(event, **fields)``.

    The reimplemented torch ops are refused while it runs (and restored after,
    so that tests can call this in their own process).
    """
    wire = _load_by_path("_teachnet_wire", os.path.join(os.path.dirname(os.path.abspath(__file__)), "_wire.py"))
    refusals = Refusals(plan.get("refused_aten", ()))
    blocker = _BlockTeachnet()
    refusals.install()
    sys.meta_path.insert(0, blocker)
    try:
        _run_cases(plan, send, wire, refusals)
    finally:
        sys.meta_path.remove(blocker)
        refusals.uninstall()


def _run_cases(plan, send, wire, refusals):
    student_path = os.path.abspath(plan["student_file"])
    send("start", step="importing your file")
    try:
        module = _load_by_path(STUDENT_MODULE, student_path)
    except BaseException as error:  # noqa: BLE001  (SystemExit and MemoryError are results too)
        send("import_error", error=describe(error, student_path), refused=refusals.take())
        return
    symbol = getattr(module, plan["symbol"], None)
    send("imported", found=_kind_of(symbol), refused=refusals.take())
    if symbol is None:
        return
    run = {"function": run_function_case, "gradcheck": run_gradcheck, "step": run_step_case}
    for case in plan["cases"]:
        send("start", step=f"check '{case['label']}'")
        try:
            result = run[case["kind"]](symbol, case, wire, refusals, student_path, send)
        except BaseException as error:  # noqa: BLE001
            result = {"error": describe(error, student_path)}
        send("result", case=case["id"], refused=refusals.take(), **result)
    send("done")


def run_function_case(function, case, wire, refusals, student_path, send):
    import torch

    args = wire.decode(case["args"])
    inputs = []  # what the Function is called with; leaves get the gradients
    for arg, needs_grad in zip(args, case["grad"]):
        if isinstance(arg, torch.Tensor) and case.get("noncontiguous"):
            arg = torch.stack([arg, arg], dim=-1)[..., 0]  # same values, strided
        if needs_grad:
            arg = arg.detach().clone().requires_grad_(True) if arg.is_contiguous() else _strided_leaf(arg)
        inputs.append(arg)
    before = [arg.detach().clone() if isinstance(arg, torch.Tensor) else None for arg in inputs]
    result = {}
    try:
        output = function.apply(*inputs)
    except BaseException as error:  # noqa: BLE001
        return {"forward_error": describe(error, student_path)}
    result["output"] = wire.encode(output)
    result["refused_forward"] = refusals.take()
    result["changed_inputs"] = [i for i, (arg, old) in enumerate(zip(inputs, before))
                                if old is not None and not _same(arg, old)]
    grad_output = wire.decode(case["grad_output"])
    if type(output) is not torch.Tensor or output.shape != grad_output.shape:
        return result
    send("start", step=f"check '{case['backward_label']}'")
    wanted = [arg for arg, needs_grad in zip(inputs, case["grad"]) if needs_grad]
    try:
        with refusals.checker_autograd():
            grads = torch.autograd.grad(output, wanted, grad_output, allow_unused=True)
    except BaseException as error:  # noqa: BLE001
        result["backward_error"] = describe(error, student_path)
        return result
    result["grads"] = [wire.encode(grad) for grad in grads]
    result["changed_inputs"] = sorted(set(result["changed_inputs"]) | {
        i for i, (arg, old) in enumerate(zip(inputs, before)) if old is not None and not _same(arg, old)})
    return result


def run_gradcheck(function, case, wire, refusals, student_path, send):
    import torch

    args = wire.decode(case["args"])
    free = [i for i, needs_grad in enumerate(case["grad"]) if needs_grad]

    def call(*tensors):
        full = list(args)
        for i, tensor in zip(free, tensors):
            full[i] = tensor
        return function.apply(*full)

    tensors = tuple(args[i].detach().clone().requires_grad_(True) for i in free)
    try:
        with refusals.checker_autograd():
            torch.autograd.gradcheck(call, tensors, eps=1e-6, atol=1e-5, rtol=1e-3)
    except BaseException as error:  # noqa: BLE001
        return {"error": describe(error, student_path)}
    return {"gradcheck": "passed"}


def run_step_case(step, case, wire, refusals, student_path, send):
    import torch

    param = wire.decode(case["param"])
    grads = wire.decode(case["grads"])
    state = {}
    trajectory, returned = [], None
    for t in range(grads.shape[0]):
        try:
            value = step(param, grads[t].clone(), state, **case["hyper"])
        except BaseException as error:  # noqa: BLE001
            return {"error": describe(error, student_path), "at_step": t + 1,
                    "trajectory": wire.encode(torch.stack(trajectory)) if trajectory else None}
        if t == 0:
            returned = wire.encode(value)
        trajectory.append(param.detach().clone() if type(param) is torch.Tensor else param)
    state_out = wire.encode(state) if type(state) is dict else {}
    return {"trajectory": wire.encode(torch.stack(trajectory)), "state": state_out, "returned": returned}


def _strided_leaf(view):
    import torch

    base = torch.stack([view.detach(), view.detach()], dim=-1).requires_grad_(True)
    return base[..., 0]


def _same(tensor, old):
    import torch

    return (type(tensor) is torch.Tensor and tensor.dtype == old.dtype and tensor.shape == old.shape
            and bool(torch.equal(tensor.detach(), old)))


def _kind_of(symbol):
    import torch

    if symbol is None:
        return "missing"
    if isinstance(symbol, type) and issubclass(symbol, torch.autograd.Function):
        return "autograd.Function"
    if isinstance(symbol, type):
        return "class"
    return "function" if callable(symbol) else type(symbol).__name__


def describe(error, student_path):
    """Type, message and the line of the student's file where ``error`` came from."""
    line = code = None
    if isinstance(error, SyntaxError) and error.filename == student_path:
        line, code = error.lineno, (error.text or "").strip()
    for frame in traceback.extract_tb(error.__traceback__):
        if frame.filename == student_path:
            line, code = frame.lineno, frame.line
    message = error.code if isinstance(error, SystemExit) else (
        error.msg if isinstance(error, SyntaxError) else _safe_str(error))
    return {"type": type(error).__name__, "message": str(message)[:600], "line": line, "code": code}


def _safe_str(error):
    try:
        return str(error)
    except BaseException:  # noqa: BLE001
        return "(its message could not be printed)"


def _load_by_path(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


class _BlockTeachnet(importlib.abc.MetaPathFinder):
    """teachnet (and keras on torch) hold the reference solutions: not importable while checking."""

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("teachnet", "keras"):
            raise ImportError(f"{name} is not available while checking an exercise: it holds the reference solution")
        return None


_INHERITED = object()  # marks an attribute that came from a base class


class Refused(RuntimeError):
    pass


class Refusals:
    """Refuse the torch ops the exercises reimplement: each call is recorded and raises ``Refused``.

    Two nets. The Python names (torch.sigmoid, F.linear, torch.optim.Adam.step,
    ...) are replaced, which names the call as the student wrote it. Under
    them, a dispatcher mode refuses this exercise's own aten ops and their
    shortcuts (``refused_aten``: torch.ops.aten.sigmoid_backward, F.threshold's
    aten.threshold, torch.addmm, ...) however they are reached, also in the
    backward that the autograd engine runs; elementary ops pass through.
    """

    def __init__(self, refused_aten=()):
        self.refused_aten = {name.rstrip("_") for name in refused_aten}
        self.calls = []
        self._checker = False  # the checker's own autograd call is in progress
        self._inside = False
        self._replaced = []  # (owner, name, original)
        self._mode = None

    def take(self):
        calls, self.calls = self.calls, []
        return sorted(set(calls))

    def install(self):
        import torch
        import torch.nn.functional as F

        ops = {
            torch: ["sigmoid", "sigmoid_", "tanh", "tanh_", "relu", "relu_", "softmax", "log_softmax",
                    "logsigmoid", "binary_cross_entropy_with_logits", "_fused_adam_", "_fused_adamw_",
                    "_fused_sgd_", "_fused_adagrad_"],
            torch.Tensor: ["sigmoid", "sigmoid_", "tanh", "tanh_", "relu", "relu_", "softmax", "log_softmax",
                           "backward"],
            torch.special: ["expit", "softmax", "log_softmax"],
            F: ["sigmoid", "tanh", "relu", "relu_", "leaky_relu", "leaky_relu_", "softmax", "log_softmax",
                "logsigmoid", "linear", "mse_loss", "l1_loss", "binary_cross_entropy",
                "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss"],
            torch._C._nn: ["leaky_relu", "leaky_relu_", "linear", "mse_loss", "binary_cross_entropy", "log_sigmoid"],
            torch.autograd: ["backward"],
            torch.func: ["grad", "grad_and_value", "vjp", "jvp", "jacrev", "jacfwd", "hessian"],
            torch.autograd.functional: ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"],
        }
        for owner, names in ops.items():
            prefix = _display_prefix(owner)
            for name in names:
                if hasattr(owner, name):
                    self._replace(owner, name, self._raiser(f"{prefix}.{name}"))
        for optimizer in vars(torch.optim).values():
            if (isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)
                    and "step" in vars(optimizer)):
                self._replace(optimizer, "step", self._raiser(f"torch.optim.{optimizer.__name__}.step"))
        import importlib

        for module in map(importlib.import_module, ("torch.optim._functional", "torch.optim.sgd",
                                                    "torch.optim.adagrad", "torch.optim.adam", "torch.optim.adamw")):
            for name in list(vars(module)):
                if callable(getattr(module, name)) and (name in ("sgd", "adagrad", "adam", "adamw", "rmsprop",
                                                                 "adadelta") or name.startswith(_OPTIMIZER_KERNELS)):
                    self._replace(module, name, self._raiser(f"{module.__name__}.{name}"))
        self._real_grad = torch.autograd.grad
        self._replace(torch.autograd, "grad", self._gated_grad)
        self._mode = _dispatcher_refusal(self)
        self._mode.__enter__()

    def _replace(self, owner, name, replacement):
        self._replaced.append((owner, name, vars(owner).get(name, _INHERITED)))
        setattr(owner, name, replacement)

    def uninstall(self):
        if self._mode is not None:
            self._mode.__exit__(None, None, None)
            self._mode = None
        for owner, name, original in reversed(self._replaced):
            if original is _INHERITED:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self._replaced = []

    def _raiser(self, qualname):
        def refused(*args, **kwargs):
            self.calls.append(qualname)
            raise Refused(f"{qualname} is refused while checking: the exercises reimplement it")

        return refused

    def _gated_grad(self, *args, **kwargs):
        if self._checker and not self._inside:
            self._inside = True
            try:
                return self._real_grad(*args, **kwargs)
            finally:
                self._inside = False
        self.calls.append("torch.autograd.grad")
        raise Refused("torch.autograd.grad is refused while checking: backward is derived by hand")

    def checker_autograd(self):
        refusals = self

        class Gate:
            def __enter__(self):
                refusals._checker = True

            def __exit__(self, *exc):
                refusals._checker = False

        return Gate()


_OPTIMIZER_KERNELS = ("_single_tensor_", "_multi_tensor_", "_fused_")  # torch.optim's update functions


def _dispatcher_refusal(refusals):
    """A TorchDispatchMode that refuses the aten ops in ``refusals.refused_aten``."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class RefuseAten(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            name = func.overloadpacket.__name__
            if func.namespace == "aten" and name.rstrip("_") in refusals.refused_aten:
                qualname = f"torch.ops.aten.{name}"
                refusals.calls.append(qualname)
                raise Refused(f"{qualname} is refused while checking: this exercise reimplements what it computes")
            return func(*args, **(kwargs or {}))

    return RefuseAten()


def _display_prefix(owner):
    import torch

    names = {torch: "torch", torch.Tensor: "torch.Tensor", torch.special: "torch.special",
             torch.nn.functional: "torch.nn.functional", torch._C._nn: "torch._C._nn",
             torch.autograd: "torch.autograd", torch.func: "torch.func",
             torch.autograd.functional: "torch.autograd.functional"}
    return names[owner]


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
