"""RMSprop: the gradient divided by the root of a running mean of its square.

    v <- a v + (1 - a) g^2                      (a: torch's alpha, Keras's rho)
    centered: gbar <- a gbar + (1 - a) g, and v - gbar^2 stands in for v below
    p <- p - lr g / root(v)
root(v) = sqrt(v) + eps (torch) or sqrt(v + eps) (Keras). With momentum the
step g / root(v) goes through ``momentum_update`` (base.py), where torch
keeps lr outside the buffer and Keras inside.
"""
import torch

from .base import REGISTRY, Optimizer, momentum_buffer, momentum_update, root


def rmsprop_denominator(square_avg, grad_avg, eps, eps_inside_sqrt):
    """root(v), or root(v - gbar^2) when centered (``grad_avg`` given); a new tensor."""
    if grad_avg is not None:
        square_avg = square_avg.addcmul(grad_avg, grad_avg, value=-1)
    return root(square_avg, eps, eps_inside_sqrt)


def rmsprop_update(param, grad, square_avg, grad_avg, buffer, lr, alpha, eps, momentum,
                   eps_inside_sqrt, lr_in_momentum):
    """One RMSprop step in place; ``grad_avg`` is None unless centered, ``buffer`` None without momentum."""
    square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    if grad_avg is not None:
        grad_avg.lerp_(grad, 1 - alpha)  # gbar <- a gbar + (1 - a) g
    denominator = rmsprop_denominator(square_avg, grad_avg, eps, eps_inside_sqrt)
    if buffer is None:
        param.addcdiv_(grad, denominator, value=-lr)
    else:
        momentum_update(param, grad / denominator, buffer, lr, momentum, False, lr_in_momentum)


@REGISTRY.register("rmsprop")
class RMSprop(Optimizer):
    """``RMSprop(params, lr=None, alpha=None, eps=None, momentum=0.0, centered=False, convention="torch")``."""

    def __init__(self, params, lr=None, alpha=None, eps=None, momentum=0.0, centered=False,
                 convention="torch"):
        super().__init__(params, convention, lr=lr, alpha=alpha, eps=eps, momentum=momentum, centered=centered)

    def init_state(self, param, group):
        state = {"step": 0, "square_avg": torch.zeros_like(param)}
        if group["centered"]:
            state["grad_avg"] = torch.zeros_like(param)
        return state

    def update(self, param, grad, state, group, convention):
        rmsprop_update(
            param, grad, state["square_avg"], state.get("grad_avg"),
            momentum_buffer(state, param, group["momentum"]), group["lr"], group["alpha"], group["eps"],
            group["momentum"], convention.eps_inside_sqrt, convention.lr_in_momentum,
        )

    def effective_lr(self, param, state, group, convention):
        denominator = rmsprop_denominator(
            state["square_avg"], state.get("grad_avg"), group["eps"], convention.eps_inside_sqrt
        )
        return denominator.reciprocal_().mul_(group["lr"])
