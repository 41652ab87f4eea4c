"""Adagrad: each coordinate's step shrinks with the sum of its squared gradients so far.

    G <- G + g^2,    p <- p - lr g / root(G)
root(G) = sqrt(G) + eps (torch) or sqrt(G + eps) (Keras); G starts at
``initial_accumulator_value`` (torch 0, Keras 0.1).
"""
import torch

from .base import REGISTRY, Optimizer, root


def adagrad_update(param, grad, accumulator, lr, eps, eps_inside_sqrt):
    """One Adagrad step on ``param`` and ``accumulator`` (G) in place."""
    accumulator.addcmul_(grad, grad)
    param.addcdiv_(grad, root(accumulator, eps, eps_inside_sqrt), value=-lr)


@REGISTRY.register("adagrad")
class Adagrad(Optimizer):
    """``Adagrad(params, lr=None, eps=None, initial_accumulator_value=None, convention="torch")``."""

    def __init__(self, params, lr=None, eps=None, initial_accumulator_value=None, convention="torch"):
        super().__init__(
            params, convention, lr=lr, eps=eps, initial_accumulator_value=initial_accumulator_value
        )

    def init_state(self, param, group):
        return {"step": 0, "sum": torch.full_like(param, group["initial_accumulator_value"])}

    def update(self, param, grad, state, group, convention):
        adagrad_update(param, grad, state["sum"], group["lr"], group["eps"], convention.eps_inside_sqrt)

    def effective_lr(self, param, state, group, convention):
        return root(state["sum"], group["eps"], convention.eps_inside_sqrt).reciprocal_().mul_(group["lr"])
