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
from ._wire import Opaque, decode, encode
from .base import Case, Check, Exercise

NOT_IN_PLACE = ("update param in place (param.sub_(...), param -= ..., param.copy_(...)): `param = param - ...` "
                "only rebinds your local name, and the caller never sees it")


@dataclass
class Rule:
    """A wrong update students write: ``update(param, grad, state, **hyper)`` in place, and the hint."""

    hint: str
    update: object


class StepExercise(Exercise):
    """Subclasses give ``symbol``, ``hyper`` names, ``make_torch``, ``buffers``, ``settings`` and ``mistakes``."""

    symbol_kind = "function"
    buffers = {}  # torch's state key -> what it is, for the state check
    rule_hint = None

    def make_torch(self, params, **hyper):
        raise NotImplementedError

    def make_teachnet(self, params, **hyper):
        return None

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
        name = case.data["state_label"]
        state = decode(result.get("state")) or {}
        _, expected = self.replay(self.make_torch, case.data["param"], case.data["grads"], case.data["hyper"])
        if not isinstance(state, dict) or not state:
            return Check(name, False, ["the dict `state` is empty after the steps"],
                         "keep what the rule needs between calls in `state` (the caller passes the same dict "
                         f"every step): {', '.join(self.buffers.values())}")
        tensors = [value for value in state.values() if type(value) is torch.Tensor and not isinstance(value, Opaque)]
        for key, meaning in self.buffers.items():
            if not any(compare.same(value, expected[key]) for value in tensors):
                return Check(name, False, [f"`state` holds no tensor equal to torch's {key} ({meaning}); "
                                           f"it holds {', '.join(sorted(map(str, state))) or 'nothing'}"],
                             f"keep torch's {meaning} in `state`, as a tensor of the parameter's shape and dtype")
        return Check(name, True)
