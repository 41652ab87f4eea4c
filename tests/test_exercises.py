"""teachnet exercises: correct solutions pass, stubs and classic mistakes fail with their hint.

End to end (child processes, ~3 s each): every exercise's correct solution
through the command line. The classic mistakes run the child's code in this
process (``_child.run_plan``, which restores the refused torch ops after) and
are judged by the very code the command line uses. The robustness cases
(loops, exits, crashes, fakes, memory) are in ``test_exercises_robustness.py``.
"""
import concurrent.futures
import io
import json
import os
import pathlib

import pytest
import torch
import torch.nn.functional as F

from teachnet import cli
from teachnet.exercises import _child, get, names
from teachnet.exercises import cli as exercises_cli
from teachnet.exercises.runner import ChildRun

SOLUTIONS = pathlib.Path(__file__).parent / "exercise_solutions"
EXERCISES = ["sigmoid", "tanh", "relu", "leaky_relu", "softmax", "mse", "binary_crossentropy", "dense",
             "sgd_momentum", "adagrad", "adam"]


def judge_in_process(name, source, tmp_path):
    """The checks for ``source`` as the command line would judge them, the child's part run here."""
    path = tmp_path / f"{name}_attempt.py"
    path.write_text(source)
    exercise = get(name)
    events = []
    plan = dict(exercise.plan(), student_file=str(path))
    _child.run_plan(plan, lambda event, **fields: events.append(json.loads(json.dumps({"event": event, **fields}))))
    return exercise.judge(ChildRun(events=events, returncode=0), 20.0, 4096)


def failures(checks):
    return [c for c in checks if not c.passed]


def describe(checks):
    return "\n".join(f"{'PASS' if c.passed else 'FAIL'} {c.name}: {c.details} hint={c.hint}" for c in checks)


def solution(name):
    return (SOLUTIONS / f"{name}.py").read_text()


def test_list_names_every_exercise_on_one_line_each(capsys):
    assert cli.main(["exercises", "list"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert [line.split()[0] for line in lines] == EXERCISES == names(), lines


@pytest.fixture(scope="module")
def checked_solutions():
    """{name: (exit status, report, file before, file after)}: the command's check of every correct
    solution, three child processes at a time (each spends most of its time importing torch)."""

    def run(name):
        path = SOLUTIONS / f"{name}.py"
        before = (path.read_bytes(), path.stat().st_mtime_ns)
        out = io.StringIO()
        status = exercises_cli.check(get(name), str(path), out=out)
        return name, (status, out.getvalue(), before, (path.read_bytes(), path.stat().st_mtime_ns))

    with concurrent.futures.ThreadPoolExecutor(3) as pool:
        return dict(pool.map(run, EXERCISES))


@pytest.mark.parametrize("name", EXERCISES)
def test_correct_solution_passes_through_the_command(name, checked_solutions):
    status, out, before, after = checked_solutions[name]
    assert status == 0, f"the reference solution of {name} failed:\n{out}"
    assert "FAIL" not in out and "checks passed" in out, out
    assert after == before, "check changed the student's file"


def test_references_are_torch_and_teachnet_and_they_agree():
    """Every case's expected values agree between torch and teachnet (when teachnet's op is there)."""
    for name in EXERCISES[:8]:
        exercise = get(name)
        ours = exercise.teachnet_reference()
        if ours is None:
            continue
        for case in exercise.cases:
            if case.kind != "function":
                continue
            args, grad_output = case.data["args"], case.data["grad_output"]
            torch_out, torch_grads = exercise.expected(args, grad_output)
            out, grads = exercise.expected(args, grad_output, ours)
            torch.testing.assert_close(out, torch_out, msg=f"{name} {case.label}: teachnet and torch disagree")
            for got, want in zip(grads, torch_grads):
                if want is not None:
                    torch.testing.assert_close(got, want, msg=f"{name} {case.label}: gradients disagree")
    for name in EXERCISES[8:]:
        exercise = get(name)
        for case in exercise.cases:
            param, grads, hyper = case.data["param"], case.data["grads"], case.data["hyper"]
            ours = exercise.replay(exercise.make_teachnet, param, grads, hyper)
            if ours is not None:
                torch.testing.assert_close(ours[0], exercise.replay(exercise.make_torch, param, grads, hyper)[0],
                                           msg=f"{name} {case.label}: teachnet's optimizer and torch's disagree")


def test_checks_cover_extremes_shapes_dtypes_and_gradcheck():
    for name in EXERCISES[:8]:
        labels = " | ".join(case.label for case in get(name).cases)
        for needed in ("float32", "float64", "non-contiguous", "gradcheck"):
            assert needed in labels, f"{name} has no {needed} check: {labels}"
    assert "1e4" in " ".join(c.label for c in get("softmax").cases)
    assert "exactly 0 and 1" in " ".join(c.label for c in get("binary_crossentropy").cases)
    for name in EXERCISES[8:]:
        exercise = get(name)
        assert any(case.data["grads"].abs().max() < 1e-6 for case in exercise.cases), f"{name}: no tiny gradients"
        assert all(case.data["grads"].shape[0] >= 100 for case in exercise.cases), f"{name}: too few steps"


@pytest.mark.parametrize("name", EXERCISES)
def test_the_unmodified_stub_fails(name, tmp_path):
    checks = judge_in_process(name, get(name).stub_text(), tmp_path)
    assert checks[0].passed, describe(checks)  # it imports, and defines the right name
    assert all(not c.passed for c in checks[1:]), describe(checks)
    stub_said = [c for c in checks if "NotImplementedError" in " ".join(c.details) and "stub" in (c.hint or "")]
    assert stub_said, describe(checks)


# (exercise, text in the correct solution, what replaces it, what the report must say)
MISTAKES = [
    ("sigmoid", "return grad_output * s * (1 - s)", "return s * (1 - s)", "multiply by grad_output"),
    ("sigmoid", "s = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))", "s = torch.sigmoid(x)",
     "calls torch.sigmoid, which this exercise reimplements (refused)"),
    ("sigmoid", "s = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))", "s = x.sigmoid()",
     "calls torch.Tensor.sigmoid, which this exercise reimplements (refused)"),
    ("sigmoid", "s = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))", "s = torch.exp(x) / (1 + torch.exp(x))",
     "exp of a large number overflows"),
    ("sigmoid", "s = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))", "s = torch.ops.aten.sigmoid(x)",
     "calls torch.ops.aten.sigmoid, which this exercise reimplements (refused), at line 8"),
    ("sigmoid", "return grad_output * s * (1 - s)", "return torch.ops.aten.sigmoid_backward(grad_output, s)",
     "calls torch.ops.aten.sigmoid_backward, which this exercise reimplements (refused)"),
    ("sigmoid", "s = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))", "s = (torch.tanh(x / 2) + 1) / 2",
     "calls torch.tanh, a shortcut to what this exercise reimplements (refused)"),
    ("sigmoid", "s = torch.where(x >= 0, 1 / (1 + e), e / (1 + e))", "s = torch.exp(-F.softplus(-x))",
     "calls torch.ops.aten.softplus, a shortcut to what this exercise reimplements (refused)"),
    ("sigmoid", "return grad_output * s * (1 - s)",
     "with torch.enable_grad():\n            y = s.detach().requires_grad_()\n"
     "            return torch.autograd.grad(y * 2, y, grad_output)[0]",
     "calls torch.autograd.grad: the gradient must be derived by hand"),
    ("tanh", "t = torch.sign(x) * (1 - e) / (1 + e)",
     "t = (torch.exp(x) - torch.exp(-x)) / (torch.exp(x) + torch.exp(-x))", "inf/inf = nan"),
    ("tanh", "ctx.save_for_backward(t)", "ctx.save_for_backward(x)", "not the input x"),
    ("relu", "return grad_output * (x > 0)", "return grad_output.clone()", "0 where x < 0"),
    ("relu", "return x.clamp(min=0)", "return x.clamp_(min=0)", "changed its input x in place"),
    ("relu", "return x.clamp(min=0)", "return F.relu(x)", "calls torch.nn.functional.relu, which this exercise"),
    ("relu", "return x.clamp(min=0)", "return F.threshold(x, 0.0, 0.0)",
     "calls torch.ops.aten.threshold, which this exercise reimplements (refused)"),
    ("relu", "return grad_output * (x > 0)", "return torch.ops.aten.threshold_backward(grad_output, x, 0.0)",
     "calls torch.ops.aten.threshold_backward, which this exercise reimplements (refused)"),
    ("leaky_relu", "return torch.where(x > 0, x, x * negative_slope)",
     "return F.rrelu(x, negative_slope, negative_slope, training=False)",
     "calls torch.ops.aten.rrelu_with_noise, which this exercise reimplements (refused)"),
    ("leaky_relu", "grad_output * ctx.negative_slope), None", "grad_output * ctx.negative_slope), torch.zeros(())",
     "must return None for negative_slope"),
    ("leaky_relu", "return torch.where(x > 0, grad_output, grad_output * ctx.negative_slope), None",
     "return grad_output * (x > 0), None", "negative_slope, not 0"),
    ("softmax", "e = torch.exp(x - x.amax(dim=-1, keepdim=True))", "e = torch.exp(x)", "subtract each row's max"),
    ("softmax", "return s * (grad_output - (grad_output * s).sum(dim=-1, keepdim=True))",
     "return grad_output * s * (1 - s)", "not g * s * (1 - s)"),
    ("mse", "return None, grad_output * 2 * diff / diff.numel()", "return None, grad_output * diff / diff.numel()",
     "the factor 2"),
    ("mse", "return None, grad_output * 2 * diff / diff.numel()", "return None, 2 * diff / diff.numel()",
     "multiply by grad_output"),
    ("mse", "return None, grad_output * 2 * diff / diff.numel()",
     "return -grad_output * 2 * diff / diff.numel(), grad_output * 2 * diff / diff.numel()",
     "must return None for y_true"),
    ("mse", "return (diff * diff).mean()", "return F.mse_loss(y_pred, y_true)",
     "calls torch.nn.functional.mse_loss, which this exercise reimplements (refused)"),
    ("mse", "return (diff * diff).mean()", "return 2 * F.huber_loss(y_pred, y_true, delta=1e30)",
     "calls torch.ops.aten.huber_loss, a shortcut to what this exercise reimplements (refused)"),
    ("binary_crossentropy", "p = y_pred.clamp(eps, 1 - eps)", "p = y_pred", "clip y_pred"),
    ("binary_crossentropy", "return None, grad_output * grad * inside", "return None, grad_output * grad",
     "the gradient is that of the clipped loss"),
    ("binary_crossentropy", "return None, grad_output * grad * inside", "return grad, grad_output * grad * inside",
     "must return None for y_true"),
    ("dense", "return grad_output @ weight.T, x.T @ grad_output, grad_bias",
     "return grad_output @ weight.T, grad_output.T @ x, grad_bias", "transpose"),
    ("dense", "grad_bias = grad_output.sum(0) if ctx.has_bias else None",
     "grad_bias = grad_output.mean(0) if ctx.has_bias else None", "sums grad_output over the batch"),
    ("dense", "y = x @ weight", "y = F.linear(x, weight.T)",
     "calls torch.nn.functional.linear, which this exercise reimplements (refused)"),
    ("dense", "y = x @ weight", "y = torch.addmm(torch.zeros(weight.shape[1], dtype=x.dtype), x, weight)",
     "calls torch.ops.aten.addmm, which this exercise reimplements (refused)"),
    ("softmax", "e = torch.exp(x - x.amax(dim=-1, keepdim=True))", "return torch.exp(torch.log_softmax(x, -1))",
     "calls torch.log_softmax, a shortcut to what this exercise reimplements (refused)"),
    ("softmax", "e = torch.exp(x - x.amax(dim=-1, keepdim=True))", "return torch.ops.aten._log_softmax(x, -1, False).exp()",
     "calls torch.ops.aten._log_softmax, a shortcut to what this exercise reimplements (refused)"),
    ("sgd_momentum", 'if "buf" not in state:', "if True:", "keep the momentum buffer in `state`"),
    ("sgd_momentum", 'param.sub_(lr * state["buf"])', 'param = param - lr * state["buf"]', "update param in place"),
    ("sgd_momentum", 'state["buf"] = momentum * state["buf"] + grad',
     'state["buf"] = momentum * state["buf"] + (1 - momentum) * grad', "no (1 - momentum) factor"),
    ("adagrad", 'param.sub_(lr * grad / (state["sum"].sqrt() + eps))',
     'param.sub_(lr * grad / (state["sum"] + eps).sqrt())', "epsilon outside the square root"),
    ("adam", "m_hat = m / (1 - beta1 ** t)\n    v_hat = v / (1 - beta2 ** t)", "m_hat = m\n    v_hat = v",
     "bias correction is missing"),
    ("adam", "param.sub_(lr * m_hat / (v_hat.sqrt() + eps))", "param.sub_(lr * m_hat / (v_hat + eps).sqrt())",
     "epsilon outside the square root"),
    ("adam", "param.sub_(lr * m_hat / (v_hat.sqrt() + eps))",
     "opt = torch.optim.Adam([param], lr=lr)\n    param.grad = grad\n    opt.step()",
     "calls torch.optim.Adam.step, which this exercise reimplements (refused)"),
    ("adam", "param.sub_(lr * m_hat / (v_hat.sqrt() + eps))",
     "__import__('torch.optim.adam', fromlist=['adam'])._single_tensor_adam([param], [grad], [m], [v], [], [torch.tensor(float(t))], amsgrad=False, "
     "has_complex=False, beta1=beta1, beta2=beta2, lr=lr, weight_decay=0, eps=eps, maximize=False, "
     "capturable=False, differentiable=False, grad_scale=None, found_inf=None)",
     "calls torch.optim.adam._single_tensor_adam, which this exercise reimplements (refused)"),
]


@pytest.mark.parametrize("name, right, wrong, said", MISTAKES, ids=[f"{m[0]}-{m[3][:30]}" for m in MISTAKES])
def test_classic_mistake_fails_with_its_hint(name, right, wrong, said, tmp_path):
    source = solution(name)
    assert right in source, f"test set-up: {right!r} not in the {name} solution"
    source = source.replace(right, wrong)
    if "F." in wrong:
        source = "import torch.nn.functional as F\n" + source
    checks = judge_in_process(name, source, tmp_path)
    assert failures(checks), f"{name} with {wrong!r} passed:\n{describe(checks)}"
    said_somewhere = [c for c in failures(checks) if said in " ".join(c.details) + " " + (c.hint or "")]
    assert said_somewhere, f"{name} with {wrong!r}: no failure says {said!r}:\n{describe(failures(checks))}"


def test_refused_ops_are_restored_after_an_in_process_run(tmp_path):
    judge_in_process("sigmoid", solution("sigmoid"), tmp_path)
    x = torch.linspace(-3, 3, 7, requires_grad=True)
    y = torch.sigmoid(x) + F.linear(x[None], torch.ones(1, 7)).sum()
    (grad,) = torch.autograd.grad(y.sum(), x)
    assert torch.isfinite(grad).all()
    torch.testing.assert_close(torch.ops.aten.sigmoid(x), torch.sigmoid(x), msg="aten.sigmoid still refused")
    assert torch.addmm(torch.zeros(1), x[None], torch.ones(7, 1)).shape == (1, 1), "aten.addmm still refused"


def test_any_subgradient_at_relus_kink_is_accepted(tmp_path):
    for right, at_zero in (("x > 0", "0"), ("x >= 0", "1"), ("(x > 0) + 0.5 * (x == 0)", "0.5")):
        source = solution("relu").replace("return grad_output * (x > 0)", f"return grad_output * ({right})")
        checks = judge_in_process("relu", source, tmp_path)
        assert not failures(checks), f"relu with derivative {at_zero} at 0 failed:\n{describe(failures(checks))}"
    source = solution("relu").replace("return grad_output * (x > 0)", "return grad_output * ((x > 0) + 2.0 * (x == 0))")
    assert failures(judge_in_process("relu", source, tmp_path)), "a derivative of 2 at the kink passed"


def test_an_object_whose_eq_always_says_yes_fails(tmp_path):
    liar = """
import torch
class Liar(torch.Tensor):
    def __eq__(self, other): return True
class Always:
    def __eq__(self, other): return True
    def __ne__(self, other): return False
class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return Always()
    @staticmethod
    def backward(ctx, grad_output):
        return Always()
"""
    checks = judge_in_process("sigmoid", liar, tmp_path)
    assert all(not c.passed for c in checks[1:]), describe(checks)
    assert "expected a torch.Tensor" in " ".join(checks[1].details), describe(checks)
    subclass = liar.replace("return Always()\n    @staticmethod", "return (x * 0).as_subclass(Liar)\n    @staticmethod")
    assert "as_subclass(Liar)" in subclass, "test set-up: forward not replaced"
    checks = judge_in_process("sigmoid", subclass, tmp_path)
    assert all(not c.passed for c in checks[1:]), describe(checks)
    assert "got an object of type student_solution.Liar" in " ".join(checks[1].details), describe(checks)


def test_the_parameters_decide_whatever_the_layout_of_state(tmp_path):
    """An Adagrad that keeps sqrt(sum) passes; under torch's key `sum` (which the stub says is compared) it fails."""
    root = """import torch


def adagrad_step(param, grad, state, lr, eps):
    root = state.get("KEY", torch.zeros_like(param))
    state["KEY"] = (root * root + grad * grad).sqrt()
    param.sub_(lr * grad / (state["KEY"] + eps))
"""
    checks = judge_in_process("adagrad", root.replace("KEY", "root"), tmp_path)
    assert not failures(checks), f"a correct Adagrad keeping sqrt(sum) failed:\n{describe(failures(checks))}"
    assert any("not compared" in " ".join(c.details) for c in checks), describe(checks)
    checks = failures(judge_in_process("adagrad", root.replace("KEY", "sum"), tmp_path))
    assert [c.name for c in checks] == ["state after 200 steps, float32 (5,), lr 0.1, eps 1e-10"], describe(checks)
    assert "state['sum']" in checks[0].details[0] and "running sum of squared gradients" in checks[0].hint, \
        describe(checks)


def test_wrong_dtype_and_shape_are_named(tmp_path):
    source = solution("mse").replace("return (diff * diff).mean()", "return (diff * diff).mean(-1).double()")
    details = " ".join(" ".join(c.details) for c in failures(judge_in_process("mse", source, tmp_path)))
    assert "got dtype float64, expected float32" in details and "got shape" in details, details


def test_a_report_names_input_expected_got_and_max_error(tmp_path):
    source = solution("sigmoid").replace("return grad_output * s * (1 - s)", "return grad_output * s")
    checks = failures(judge_in_process("sigmoid", source, tmp_path))
    detail = checks[0].details[0]
    for part in ("grad x[", "(input ", "expected ", "got ", "max error "):
        assert part in detail, detail


def test_start_writes_the_stub_and_refuses_to_overwrite(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["exercises", "start", "adam"]) == 0
    text = (tmp_path / "adam.py").read_text()
    assert "def adam_step(param, grad, state, lr, beta1, beta2, eps):" in text
    assert "raise NotImplementedError" in text and "teachnet exercises check adam adam.py" in text
    (tmp_path / "adam.py").write_text("mine")
    assert cli.main(["exercises", "start", "adam"]) == 1
    assert "exists already" in capsys.readouterr().err
    assert (tmp_path / "adam.py").read_text() == "mine"
    assert cli.main(["exercises", "start", "sigmoid", "work/s.py"]) == 1  # no such folder: a clear error
    assert cli.main(["exercises", "start", "nope"]) == 2
    assert "known exercises" in capsys.readouterr().err


@pytest.mark.parametrize("name", EXERCISES)
def test_stub_holds_exactly_the_api_signature(name):
    signatures = {
        "sigmoid": "def forward(ctx, x):", "tanh": "def forward(ctx, x):", "relu": "def forward(ctx, x):",
        "softmax": "def forward(ctx, x):", "leaky_relu": "def forward(ctx, x, negative_slope):",
        "mse": "def forward(ctx, y_true, y_pred):", "binary_crossentropy": "def forward(ctx, y_true, y_pred):",
        "dense": "def forward(ctx, x, weight, bias):",
        "sgd_momentum": "def sgd_momentum_step(param, grad, state, lr, momentum):",
        "adagrad": "def adagrad_step(param, grad, state, lr, eps):",
        "adam": "def adam_step(param, grad, state, lr, beta1, beta2, eps):",
    }
    text = get(name).stub_text(f"{name}.py")
    assert signatures[name] in text, f"{name} stub lacks {signatures[name]!r}"
    compile(text, f"{name}.py", "exec")  # the stub is a Python file as written
    if name in EXERCISES[:8]:
        assert f"class {get(name).symbol}(torch.autograd.Function):" in text
        assert "def backward(ctx, grad_output):" in text
    assert f"teachnet exercises check {name} {name}.py" in text and "Formula" in text and "Task" in text
    assert "{" not in text.split('"""')[1], f"{name} stub has an unfilled placeholder:\n{text}"
    assert os.path.basename(get(name).stub_path()) == f"{name}.py"
