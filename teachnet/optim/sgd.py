"""Stochastic gradient descent, with optional (Nesterov) momentum.

    p <- p - lr g                       (no momentum)
    with momentum mu: see ``momentum_update`` in base.py; torch keeps lr
    outside its buffer, Keras inside (``Convention.lr_in_momentum``).
"""
import torch

from .base import REGISTRY, Optimizer, momentum_buffer, momentum_update


def sgd_update(param, grad, buffer, lr, momentum, nesterov, lr_in_momentum):
    """One SGD step on ``param`` in place; ``buffer`` is None without momentum."""
    if buffer is None:
        param.add_(grad, alpha=-lr)
    else:
        momentum_update(param, grad, buffer, lr, momentum, nesterov, lr_in_momentum)


@REGISTRY.register("sgd")
class SGD(Optimizer):
    """``SGD(params, lr=None, momentum=0.0, nesterov=False, convention="torch")``."""

    def __init__(self, params, lr=None, momentum=0.0, nesterov=False, convention="torch"):
        super().__init__(params, convention, lr=lr, momentum=momentum, nesterov=nesterov)

    def init_state(self, param, group):
        return {"step": 0}

    def update(self, param, grad, state, group, convention):
        sgd_update(
            param, grad, momentum_buffer(state, param, group["momentum"]), group["lr"], group["momentum"],
            group["nesterov"], convention.lr_in_momentum,
        )

    def effective_lr(self, param, state, group, convention):
        return torch.full_like(param, group["lr"])
