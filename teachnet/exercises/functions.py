"""Exercises whose answer is a ``torch.autograd.Function``: activations, losses, the dense layer.

Each case calls the student's ``Function.apply`` on inputs decided here, then
asks autograd for the gradients with a random ``grad_output``. The checker
computes the expected output and gradients itself, with torch's own op (and
teachnet's, when it is there), and compares. A failure is diagnosed by
computing the known-wrong variants on the same inputs (``Mistake``): when the
student's numbers are a variant's numbers, the hint names that mistake.
"""
from dataclasses import dataclass

import torch

from . import compare
from ._wire import decode, encode
from .base import Case, Check, Exercise, paragraph

FORGOT_GRAD_OUTPUT = ("multiply by grad_output: backward returns dL/dinput = grad_output * dy/dinput "
                      "(the chain rule), not the derivative alone")
NOT_DIFFERENTIABLE = "backward must return None for {name}: it is not something we differentiate with respect to"


@dataclass
class Mistake:
    """A wrong answer students give: its output or its gradients, and the hint for it."""

    hint: str
    forward: object = None  # (*args) -> output
    grads: object = None  # (*args, grad_output) -> list of gradients, one per argument


STUB = '''"""{title}

Task
{task}

{formula}

    backward receives grad_output = dL/d(output) and returns, for each argument
    of forward after ctx, dL/d(argument) = grad_output * d(output)/d(argument)
    (the chain rule), each with its argument's shape and dtype.
    Save what backward needs with ctx.save_for_backward(...) in forward.

Check
    teachnet exercises check {name} {path}
    (compares your values and gradients with torch's on ordinary inputs,
    extremes, several shapes and dtypes, and runs torch.autograd.gradcheck)
"""
import torch


class {symbol}(torch.autograd.Function):
    @staticmethod
    def forward(ctx, {args}):
        raise NotImplementedError("{symbol}.forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("{symbol}.backward")
'''


class FunctionExercise(Exercise):
    """Subclasses set ``arg_names``, ``differentiable``, ``reference``, ``refused_calls`` and the inputs."""

    stub_template = STUB
    refused_calls = None  # the torch calls the stub names as refused, e.g. "torch.relu, Tensor.relu, F.relu"

    arg_names = ("x",)
    differentiable = (True,)  # which arguments have a gradient; the others must get None
    asks_grad = None  # which arguments require grad in the child (default: the differentiable ones)
    forward_hint = backward_hint = overflow_hint = None

    def reference(self, *args):
        raise NotImplementedError

    def teachnet_reference(self):
        """teachnet's own Function for this op, as a callable of ``args``, or None when not there (yet)."""
        return None

    def inputs(self, generator):
        """[(label, args, noncontiguous)] for the forward/backward cases."""
        raise NotImplementedError

    def gradcheck_inputs(self, generator):
        """[(label, args)] in float64, away from kinks and clip edges."""
        raise NotImplementedError

    def mistakes(self):
        return []

    def subgradient(self, args, grad_output):
        """Where any value in [low, high] is a right gradient for the first argument: (mask, low, high) or None."""
        return None

    def stub_fields(self):
        task = (f"Fill in `{self.symbol}.forward` and `{self.symbol}.backward` below with elementary tensor ops "
                "(torch.exp, torch.log, torch.where, clamp, matmul, sum, ...). Calling "
                f"{self.refused_calls}, any other torch op that computes it, or autograd (torch.autograd.grad, "
                ".backward()) is refused by the checker: deriving it is the exercise.")
        return {"task": paragraph(task), "args": ", ".join(self.arg_names)}

    # --- building the plan -------------------------------------------------------------
    def _asks(self, args):
        asks = self.asks_grad or self.differentiable
        return [bool(a) and isinstance(arg, torch.Tensor) for a, arg in zip(asks, args)]

    def build_cases(self):
        generator = torch.Generator().manual_seed(sum(map(ord, self.name)))
        cases = []
        for i, (label, args, noncontiguous) in enumerate(self.inputs(generator)):
            with torch.no_grad():
                output = self.reference(*args)
            grad_output = torch.randn(output.shape, generator=generator, dtype=torch.float64).to(output.dtype)
            if output.dim() == 0:
                grad_output = torch.rand((), generator=generator, dtype=torch.float64).to(output.dtype) + 0.5
            payload = {"args": encode(list(args)), "grad": self._asks(args), "grad_output": encode(grad_output),
                       "noncontiguous": noncontiguous, "backward_label": f"backward, {label}"}
            cases.append(Case(f"f{i}", "function", f"forward, {label}", payload,
                              {"args": args, "grad_output": grad_output, "backward_label": f"backward, {label}"}))
        for i, (label, args) in enumerate(self.gradcheck_inputs(generator)):
            payload = {"args": encode(list(args)), "grad": [d and isinstance(a, torch.Tensor)
                                                            for d, a in zip(self.differentiable, args)]}
            cases.append(Case(f"g{i}", "gradcheck", f"gradcheck, {label}", payload, {"args": args}))
        return cases

    def check_names(self, case):
        return [case.label, case.data["backward_label"]] if case.kind == "function" else [case.label]

    # --- references ----------------------------------------------------------------------
    def expected(self, args, grad_output, function=None):
        """(output, grads) of ``function`` (default: torch's reference), grads for the arguments asked."""
        function = function or self.reference
        diff = [d and isinstance(a, torch.Tensor) for d, a in zip(self.differentiable, args)]
        leaves = [a.detach().clone().requires_grad_(True) if d else a for a, d in zip(args, diff)]
        output = function(*leaves)
        grads = iter(torch.autograd.grad(output, [leaf for leaf, d in zip(leaves, diff) if d], grad_output))
        asked = self._asks(args)
        return output.detach(), [next(grads) if d else None for d, a in zip(diff, asked) if a or d]

    def _references(self, args, grad_output):
        references = [("torch", self.expected(args, grad_output))]
        ours = self.teachnet_reference()
        if ours is not None:
            try:
                references.append(("teachnet", self.expected(args, grad_output, ours)))
            except Exception:  # teachnet's op refuses these inputs or is unfinished: torch's still judges
                pass
        return references

    # --- judging -------------------------------------------------------------------------
    def judge_case(self, case, result, memory_mb):
        if case.kind == "gradcheck":
            return [self._judge_gradcheck(case, result, memory_mb)]
        args, grad_output = case.data["args"], case.data["grad_output"]
        forward_name, backward_name = case.label, case.data["backward_label"]
        if "error" in result or "forward_error" in result:
            error = result.get("forward_error") or result.get("error")
            return [self.error_check(forward_name, error, "running forward", memory_mb, result.get("refused")),
                    Check(backward_name, False, ["not run: forward failed"])]
        references = self._references(args, grad_output)
        forward = self._judge_forward(forward_name, args, result, references)
        return [forward, self._judge_backward(backward_name, args, grad_output, result, references, memory_mb)]

    def _judge_forward(self, name, args, result, references):
        if result.get("refused_forward"):
            return self.error_check(name, None, "running forward", 0, result["refused_forward"])
        got = decode(result["output"])
        for source, (output, _) in references:
            around = next((a for a in args if isinstance(a, torch.Tensor) and a.shape == output.shape), None)
            problem = compare.difference(got, output, "output", around=around)
            if problem:
                note = "" if source == "torch" else " (teachnet's reference; torch's agreed)"
                return Check(name, False, [problem + note], self._diagnose_forward(args, got, output))
        changed = [self.arg_names[i] for i in result.get("changed_inputs", [])]
        if changed:
            return Check(name, False, [f"forward changed its input {', '.join(changed)} in place"],
                         "compute a new tensor (torch.where, clamp, x * ...) instead of writing into the input")
        return Check(name, True)

    def _judge_backward(self, name, args, grad_output, result, references, memory_mb):
        if "backward_error" in result or result.get("refused"):
            return self.error_check(name, result.get("backward_error"), "running backward", memory_mb,
                                    result.get("refused"))
        if "grads" not in result:
            return Check(name, False, ["not run: forward did not return a tensor of the right shape"])
        got = [decode(g) for g in result["grads"]]
        asked = [i for i, a in enumerate(self._asks(args)) if a]
        for source, (_, expected) in references:
            for j, (i, want) in enumerate(zip(asked, expected)):
                what = f"grad {self.arg_names[i]}"
                accept = self._accept(args, grad_output, got[j]) if i == 0 else None
                problem = compare.difference(got[j], want, what, around=args[i], accept=accept)
                if problem:
                    note = "" if source == "torch" else " (teachnet's reference; torch's agreed)"
                    hint = self._diagnose_backward(args, grad_output, i, got[j], want)
                    return Check(name, False, [problem + note], hint)
        changed = [self.arg_names[i] for i in result.get("changed_inputs", [])]
        if changed:
            return Check(name, False, [f"backward changed the input {', '.join(changed)} in place"],
                         "compute new tensors instead of writing into saved inputs")
        return Check(name, True)

    def _accept(self, args, grad_output, got):
        kink = self.subgradient(args, grad_output)
        if kink is None or type(got) is not torch.Tensor or got.shape != args[0].shape or got.dtype != args[0].dtype:
            return None
        mask, low, high = kink
        rtol, atol = compare.tolerance(got.dtype)
        lower, upper = torch.minimum(low, high), torch.maximum(low, high)
        return mask & (got >= lower - atol) & (got <= upper + atol)

    def _judge_gradcheck(self, case, result, memory_mb):
        if result.get("gradcheck") == "passed" and not result.get("refused"):
            return Check(case.label, True)
        error = result.get("error") or {}
        if error.get("type") == "GradcheckError":
            first = error.get("message", "").strip().split("numerical")[0].splitlines()[0].rstrip(", ")
            return Check(case.label, False, ["torch.autograd.gradcheck: your backward disagrees with finite "
                                             f"differences of your forward ({first})"], self.backward_hint)
        return self.error_check(case.label, error, "running gradcheck", memory_mb, result.get("refused"))

    # --- diagnosis -----------------------------------------------------------------------
    def _diagnose_forward(self, args, got, expected):
        for mistake in self.mistakes():
            if mistake.forward is not None and compare.same(got, _quiet(mistake.forward, *args)):
                return mistake.hint
        if _blew_up(got, expected):
            return self.overflow_hint or self.forward_hint
        return self.forward_hint

    def _diagnose_backward(self, args, grad_output, i, got, expected):
        if expected is None and got is not None:
            return NOT_DIFFERENTIABLE.format(name=self.arg_names[i])
        asked = [k for k, a in enumerate(self._asks(args)) if a]
        j = asked.index(i)
        forgot = Mistake(FORGOT_GRAD_OUTPUT, grads=lambda *a: self.expected(a[:-1], torch.ones_like(a[-1]))[1])
        for mistake in [forgot] + self.mistakes():
            if mistake.grads is not None:
                variant = _quiet(mistake.grads, *args, grad_output)
                if variant is not None and compare.same(got, variant[j]):
                    return mistake.hint
        if _blew_up(got, expected):
            return self.overflow_hint or self.backward_hint
        return self.backward_hint

    def hint_for_error(self, error):
        message = (error or {}).get("message", "")
        for i, name in enumerate(self.arg_names):
            if f"returned a gradient different than None at position {i + 1}" in message:
                return NOT_DIFFERENTIABLE.format(name=name)
        if "incorrect number of gradients" in message:
            return (f"backward returns one value per argument of forward after ctx "
                    f"({', '.join(self.arg_names)}), None for those without a gradient")
        if "returned an invalid gradient at index" in message:
            return self.shape_hint(message)
        return None

    def shape_hint(self, message):
        return "each gradient has the shape of its argument"


def _quiet(function, *args):
    try:
        return function(*args)
    except Exception:  # a variant that does not apply to these inputs
        return None


def _blew_up(got, expected):
    return (type(got) is torch.Tensor and got.shape == expected.shape and got.is_floating_point()
            and bool((~got.isfinite() & expected.isfinite()).any()))
