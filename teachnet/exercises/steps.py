"""Exercises whose answer is an optimizer step ``name_step(param, grad, state, **hyper)``.

Each case feeds the student's step a few hundred gradients, decided here, with
one ``state`` dict kept across calls, and the child sends back the parameter
after every step and the final state. The checker replays the same gradients
through ``torch.optim`` (and teachnet's optimizer, when it is there) and
compares step by step; known-wrong rules (``Rule``) replayed the same way name
the mistake when the student's trajectory is theirs.
"""
from dataclasses import dataclass

import torch

from . import compare
from ._wire import decode, encode
from .base import Case, Check, Exercise, paragraph
from .ops import _teachnet

NOT_IN_PLACE = ("update param in place (param.sub_(...), param -= ..., param.copy_(...)): `param = param - ...` "
                "only rebinds your local name, and the caller never sees it")


@dataclass
class Rule:
    """A wrong update students write: ``update(param, grad, state, **hyper)`` in place, and the hint."""

    hint: str
    update: object


STUB = '''"""{title}

Task
{task}

{formula}

Check
    teachnet exercises check {name} {path}
    (runs a few hundred steps, some with gradients as small as 1e-7, and
    compares the parameter after every step with torch.optim's)
"""
import torch


def {symbol}(param, grad, state, {args}):
    raise NotImplementedError("{symbol}")
'''


class StepExercise(Exercise):
    """Subclasses give ``symbol``, ``optimizer`` (its class name in torch.optim and teachnet.optim),
    ``hyper_names``, ``buffers``, ``settings`` and ``mistakes``."""

    symbol_kind = "function"
    stub_template = STUB
    optimizer = None  # "SGD", "Adagrad", "Adam"
    hyper_names = ()  # the step function's arguments after (param, grad, state)
    buffers = {}  # torch's state key -> what it is: compared when the student's state uses the same key
    rule_hint = None

    def optimizer_kwargs(self, **hyper):
        """The optimizer's keyword arguments for the step function's ``hyper``."""
        return hyper

    def make_torch(self, params, **hyper):
        return getattr(torch.optim, self.optimizer)(params, foreach=False, **self.optimizer_kwargs(**hyper))

    def make_teachnet(self, params, **hyper):
        optimizer = _teachnet("optim", self.optimizer)
        return None if optimizer is None else optimizer(params, **self.optimizer_kwargs(**hyper))

    def stub_fields(self):
        kept = " and ".join(f"{meaning} under `state['{key}']`" for key, meaning in self.buffers.items())
        names, them = ("names", "them") if len(self.buffers) > 1 else ("name", "it")
        task = (f"Write `{self.symbol}` below: one step of the optimizer, with torch's rule "
                f"(torch.optim.{self.optimizer}). Update `param` in place (param.sub_(...) or param -= ...) and "
                "keep what you need between steps in the dict `state`: the caller passes the same dict on every "
                f"call, empty on the first. If you keep {kept} (torch's {names}), the checker also compares "
                f"{them} with torch's; other names are fine: the parameters after every step decide. Calling torch.optim "
                "is refused by the checker.")
        return {"task": paragraph(task), "args": ", ".join(self.hyper_names)}

    def settings(self):
        """[(label, shape, dtype, steps, gradient scale, hyper)]."""
        raise NotImplementedError

    def mistakes(self):
        return []

    def build_cases(self):
        generator = torch.Generator().manual_seed(sum(map(ord, self.name)))
        cases = []
        for i, (label, shape, dtype, steps, scale, hyper) in enumerate(self.settings()):
            param = torch.randn(shape, generator=generator, dtype=torch.float64).to(dtype)
            grads = (torch.randn((steps, *shape), generator=generator, dtype=torch.float64) * scale).to(dtype)
            if i == 0:  # some gradients exactly zero
                grads = grads * (torch.rand(grads.shape, generator=generator) > 0.1)
            payload = {"param": encode(param), "grads": encode(grads), "hyper": hyper}
            state_label = f"state after {steps} steps, {label}" if i == 0 and self.buffers else None
            cases.append(Case(f"s{i}", "step", f"{steps} steps, {label}", payload,
                              {"param": param, "grads": grads, "hyper": hyper, "state_label": state_label}))
        return cases

    def check_names(self, case):
        return [case.label] + ([case.data["state_label"]] if case.data["state_label"] else [])

    def replay(self, make, param, grads, hyper):
        """(trajectory, state) of a torch.optim-style optimizer built by ``make``."""
        p = param.clone().requires_grad_(True)
        optimizer = make([p], **hyper)
        if optimizer is None:
            return None
        trajectory = []
        for grad in grads:
            p.grad = grad.clone()
            optimizer.step()
            trajectory.append(p.detach().clone())
        return torch.stack(trajectory), optimizer.state[p]

    @staticmethod
    def replay_rule(update, param, grads, hyper):
        p, state, trajectory = param.clone(), {}, []
        with torch.no_grad():
            for grad in grads:
                update(p, grad.clone(), state, **hyper)
                trajectory.append(p.clone())
        return torch.stack(trajectory)

    def judge_case(self, case, result, memory_mb):
        checks = [self._judge_trajectory(case, result, memory_mb)]
        if case.data["state_label"]:
            checks.append(self._judge_state(case, result) if checks[0].passed
                          else Check(case.data["state_label"], False, ["not checked: the parameters already differ"]))
        return checks

    def _judge_trajectory(self, case, result, memory_mb):
        param, grads, hyper = case.data["param"], case.data["grads"], case.data["hyper"]
        if "error" in result or result.get("refused"):
            phase = f"running step {result.get('at_step', '?')}"
            return self.error_check(case.label, result.get("error"), phase, memory_mb, result.get("refused"))
        got = decode(result["trajectory"])
        references = [("torch", self.make_torch), ("teachnet", self.make_teachnet)]
        for source, make in references:
            replayed = self.replay(make, param, grads, hyper)
            if replayed is None:
                continue
            expected = replayed[0]
            problem = compare.difference(got, expected, "parameters after every step")
            if problem is None:
                continue
            if type(got) is torch.Tensor and got.shape == expected.shape and got.dtype == expected.dtype:
                t = next(t for t in range(len(expected)) if not compare.same(got[t], expected[t]))
                problem = compare.difference(got[t], expected[t], "param", after=f" after step {t + 1}")
            note = "" if source == "torch" else " (teachnet's reference; torch's agreed)"
            return Check(case.label, False, [problem + note], self._diagnose(got, case, result))
        return Check(case.label, True)

    def _diagnose(self, got, case, result):
        param, grads, hyper = case.data["param"], case.data["grads"], case.data["hyper"]
        if type(got) is torch.Tensor and got.shape[1:] == param.shape and compare.same(got[0], param):
            returned = decode(result.get("returned"))
            if type(returned) is torch.Tensor:
                return NOT_IN_PLACE + " (your function returns a tensor: its return value is ignored)"
            return NOT_IN_PLACE
        for mistake in self.mistakes():
            try:
                variant = self.replay_rule(mistake.update, param, grads, hyper)
            except Exception:  # a rule that does not apply here
                continue
            if compare.same(got, variant):
                return mistake.hint
        return self.rule_hint

    def _judge_state(self, case, result):
        """Compare the entries of ``state`` kept under torch's names (the stub names them); any other layout
        is the student's own business: the parameters after every step have decided already."""
        name = case.data["state_label"]
        state = decode(result.get("state"))
        kept = [key for key in self.buffers if isinstance(state, dict) and key in state]
        if not kept:
            return Check(name, True, [f"not compared: your `state` keeps no {' or '.join(self.buffers)} "
                                      "(other names are fine)"])
        _, expected = self.replay(self.make_torch, case.data["param"], case.data["grads"], case.data["hyper"])
        for key in kept:
            problem = compare.difference(state[key], expected[key], f"state['{key}']")
            if problem:
                return Check(name, False, [f"{problem}; torch keeps {self.buffers[key]} there"],
                             f"`state['{key}']` is compared with torch's: keep {self.buffers[key]} there, as a "
                             "tensor of the parameter's shape and dtype, or keep what you need under other names")
        return Check(name, True)
