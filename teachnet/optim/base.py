"""What every teachnet optimizer shares: the step loop, the two conventions, the checks.

An optimizer file (``sgd.py``, ``adam.py``, ...) holds its update rule as a
short function of tensors and a class that says which state the rule needs.
Everything else lives here, once:

- ``DEFAULTS``: each framework's default hyper-parameters (a ``None`` argument
  takes them);
- ``CONVENTIONS``: where torch and Keras write the same rule differently, one
  flag per difference; a rule takes the flag as a named parameter, so it is
  written once and reads the same in both conventions;
- ``root`` and ``momentum_update``: the two pieces several rules share;
- ``Optimizer``: the loop over parameter groups (``param_groups[i]["lr"]`` is
  read at every step, so per-group values and torch's LR schedulers work),
  lazily created state, ``effective_learning_rates()``, and the checks.
"""
from dataclasses import dataclass

import torch

from .._registry import Registry

REGISTRY = Registry("optimizer")

# Each framework's defaults (torch.optim.X and keras.optimizers.X signatures).
# RMSprop's `alpha` is Keras's `rho`.
DEFAULTS = {
    "SGD": {
        "torch": {"lr": 1e-3},
        "keras": {"lr": 1e-2},
    },
    "Adagrad": {
        "torch": {"lr": 1e-2, "eps": 1e-10, "initial_accumulator_value": 0.0},
        "keras": {"lr": 1e-3, "eps": 1e-7, "initial_accumulator_value": 0.1},
    },
    "Adadelta": {
        "torch": {"lr": 1.0, "rho": 0.9, "eps": 1e-6},
        "keras": {"lr": 1e-3, "rho": 0.95, "eps": 1e-7},
    },
    "RMSprop": {
        "torch": {"lr": 1e-2, "alpha": 0.99, "eps": 1e-8},
        "keras": {"lr": 1e-3, "alpha": 0.9, "eps": 1e-7},
    },
    "Adam": {
        "torch": {"lr": 1e-3, "eps": 1e-8},
        "keras": {"lr": 1e-3, "eps": 1e-7},
    },
}


@dataclass(frozen=True)
class Convention:
    """How one framework writes the rules, where the two differ."""

    # sqrt(v + eps) (Keras) rather than sqrt(v) + eps (torch): Adagrad, RMSprop.
    eps_inside_sqrt: bool
    # Keras's momentum buffer accumulates lr * g and is added as it is;
    # torch's accumulates g and lr multiplies it afterwards: SGD, RMSprop.
    lr_in_momentum: bool
    # Keras's Adam folds both bias corrections into lr_t = lr sqrt(1-b2^t)/(1-b1^t)
    # on the raw m / (sqrt(v) + eps); torch corrects m and v: m_hat / (sqrt(v_hat) + eps).
    bias_correction_in_lr: bool


CONVENTIONS = {
    "torch": Convention(eps_inside_sqrt=False, lr_in_momentum=False, bias_correction_in_lr=False),
    "keras": Convention(eps_inside_sqrt=True, lr_in_momentum=True, bias_correction_in_lr=True),
}


def root(v, eps, eps_inside_sqrt):
    """The adaptive denominator: sqrt(v + eps) (Keras) or sqrt(v) + eps (torch); a new tensor."""
    return v.add(eps).sqrt_() if eps_inside_sqrt else v.sqrt().add_(eps)


def momentum_update(param, direction, buffer, lr, momentum, nesterov, lr_in_momentum):
    """Heavy-ball (or Nesterov) step along ``direction`` (the gradient, or RMSprop's g / root(v)).

    torch: b <- mu b + d,      p <- p - lr b   (Nesterov: p <- p - lr (d + mu b))
    Keras: b <- mu b + lr d,   p <- p - b      (Nesterov: p <- p - (lr d + mu b))
    The same for a constant lr; they part when a scheduler changes lr.
    """
    lr_inside, lr_outside = (lr, 1.0) if lr_in_momentum else (1.0, lr)
    buffer.mul_(momentum).add_(direction, alpha=lr_inside)
    step = buffer.mul(momentum).add_(direction, alpha=lr_inside) if nesterov else buffer
    param.add_(step, alpha=-lr_outside)


def momentum_buffer(state, param, momentum):
    """``state``'s momentum buffer, or None without momentum.

    Made on first use, as torch does, so that momentum switched on after some
    steps (``param_groups[0]["momentum"] = 0.9``) takes effect.
    """
    if momentum == 0:
        return None
    if "momentum_buffer" not in state:
        state["momentum_buffer"] = torch.zeros_like(param)
    return state["momentum_buffer"]


def check_hyper_parameters(owner, hyper):
    """ValueError naming the first bad hyper-parameter in ``hyper`` and the value given."""

    def bad(name, rule):
        return ValueError(f"{owner}: {name} must be {rule}, got {hyper[name]!r}")

    def holds(test, value):  # False, not a TypeError, for None or a string
        try:
            return bool(test(value))
        except TypeError:
            return False

    if hyper.get("convention") not in CONVENTIONS:
        raise bad("convention", f"one of {', '.join(map(repr, CONVENTIONS))}")
    for name in ("lr", "eps", "momentum", "initial_accumulator_value"):
        if name in hyper and not holds(lambda x: x >= 0, hyper[name]):  # `not >=` also catches NaN
            raise bad(name, ">= 0")
    for name in ("rho", "alpha"):
        if name in hyper and not holds(lambda x: 0 <= x <= 1, hyper[name]):
            raise bad(name, "in [0, 1]")
    if "betas" in hyper:
        if not holds(lambda b: len(b) == 2 and all(0 <= beta < 1 for beta in b), hyper["betas"]):
            raise bad("betas", "two numbers in [0, 1)")
    if hyper.get("nesterov") and not hyper.get("momentum", 0) > 0:
        raise ValueError(
            f"{owner}: nesterov=True needs momentum > 0, got momentum={hyper.get('momentum')!r}"
        )


class Optimizer(torch.optim.Optimizer):
    """A ``torch.optim.Optimizer`` whose step applies ``update`` to each parameter with a gradient.

    A subclass says three things: ``init_state(param, group)`` (its state
    tensors, made with ``*_like`` so they live on the parameter's device),
    ``update(param, grad, state, group, convention)`` (calls its rule) and
    ``effective_lr(param, state, group, convention)`` (the tensor that multiplies the
    gradient, or its momentum average, in the update).
    """

    def __init__(self, params, convention, **hyper):
        # A user's subclass (class MyAdam(tn.optim.Adam)) takes its parent's defaults.
        name = next(cls.__name__ for cls in type(self).__mro__ if cls.__name__ in DEFAULTS)
        if convention in DEFAULTS[name]:
            framework_defaults = DEFAULTS[name][convention]
            hyper = {k: framework_defaults[k] if v is None and k in framework_defaults else v
                     for k, v in hyper.items()}
        super().__init__(params, {**hyper, "convention": convention})

    def add_param_group(self, param_group):
        # Checked here, not in __init__, so that groups added later are checked too.
        check_hyper_parameters(type(self).__name__, {**self.defaults, **param_group})
        super().add_param_group(param_group)

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            convention = CONVENTIONS[group["convention"]]
            for param in group["params"]:
                if param.grad is None:
                    continue
                if param.grad.is_sparse:
                    raise RuntimeError(
                        f"{type(self).__name__} does not support sparse gradients "
                        f"(parameter of shape {tuple(param.shape)}); use a dense gradient"
                    )
                state = self.state[param]
                if not state:
                    state.update(self.init_state(param, group))
                state["step"] += 1
                self.update(param, param.grad, state, group, convention)
        return loss

    @torch.no_grad()
    def effective_learning_rates(self):
        """Per parameter (param_groups order), a tensor of its shape: the factor on the gradient.

        It is computed from the state after the last step; a parameter never
        stepped gets the value from its initial state.
        """
        rates = []
        for group in self.param_groups:
            convention = CONVENTIONS[group["convention"]]
            for param in group["params"]:
                state = self.state.get(param) or self.init_state(param, group)
                rates.append(self.effective_lr(param, state, group, convention))
        return rates

    def init_state(self, param, group):
        raise NotImplementedError

    def update(self, param, grad, state, group, convention):
        raise NotImplementedError

    def effective_lr(self, param, state, group, convention):
        raise NotImplementedError
