"""Adadelta: the step's size is the ratio of two running root-mean-squares.

    v <- rho v + (1 - rho) g^2
    d  = sqrt(u + eps) / sqrt(v + eps) * g        (u: running mean of d^2, before this step)
    u <- rho u + (1 - rho) d^2
    p <- p - lr d
torch and Keras write the rule alike (eps inside both roots); only their
defaults differ (torch lr 1.0, rho 0.9, eps 1e-6; Keras lr 0.001, rho 0.95, eps 1e-7).
"""
import torch

from .base import REGISTRY, Optimizer, root


def adadelta_update(param, grad, square_avg, acc_delta, lr, rho, eps):
    """One Adadelta step on ``param``, ``square_avg`` (v) and ``acc_delta`` (u) in place."""
    square_avg.mul_(rho).addcmul_(grad, grad, value=1 - rho)
    delta = root(acc_delta, eps, True).div_(root(square_avg, eps, True)).mul_(grad)
    acc_delta.mul_(rho).addcmul_(delta, delta, value=1 - rho)
    param.add_(delta, alpha=-lr)


@REGISTRY.register("adadelta")
class Adadelta(Optimizer):
    """``Adadelta(params, lr=None, rho=None, eps=None, convention="torch")``."""

    def __init__(self, params, lr=None, rho=None, eps=None, convention="torch"):
        super().__init__(params, convention, lr=lr, rho=rho, eps=eps)

    def init_state(self, param, group):
        return {"step": 0, "square_avg": torch.zeros_like(param), "acc_delta": torch.zeros_like(param)}

    def update(self, param, grad, state, group, convention):
        adadelta_update(
            param, grad, state["square_avg"], state["acc_delta"], group["lr"], group["rho"], group["eps"]
        )

    def effective_lr(self, param, state, group, convention):
        # lr sqrt(u + eps) / sqrt(v + eps), both from the state after the last step.
        eps = group["eps"]
        return root(state["acc_delta"], eps, True).div_(root(state["square_avg"], eps, True)).mul_(group["lr"])
