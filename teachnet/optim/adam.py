"""Adam: momentum on the gradient, scaled by the root of a running mean of its square.

    m <- b1 m + (1 - b1) g,        v <- b2 v + (1 - b2) g^2
    torch: p <- p - lr m_hat / (sqrt(v_hat) + eps),  m_hat = m / (1 - b1^t), v_hat = v / (1 - b2^t)
    Keras: p <- p - lr_t m / (sqrt(v) + eps),        lr_t = lr sqrt(1 - b2^t) / (1 - b1^t)
The two agree but for where eps sits relative to the correction of v
(``Convention.bias_correction_in_lr``).
"""
import math

import torch

from .base import REGISTRY, Optimizer


def adam_scaling(v, step, lr, beta1, beta2, eps, bias_correction_in_lr):
    """(rate, denominator): torch's (lr, sqrt(v_hat) + eps) or Keras's (lr_t, sqrt(v) + eps).

    The update is rate * m_hat / denominator (torch) or rate * m / denominator (Keras).
    """
    correction2 = 1 - beta2**step
    if bias_correction_in_lr:
        return lr * math.sqrt(correction2) / (1 - beta1**step), v.sqrt().add_(eps)
    return lr, v.sqrt().div_(math.sqrt(correction2)).add_(eps)


def adam_update(param, grad, m, v, step, lr, beta1, beta2, eps, bias_correction_in_lr):
    """One Adam step (step t counts from 1) on ``param``, ``m`` and ``v`` in place."""
    m.lerp_(grad, 1 - beta1)  # m <- b1 m + (1 - b1) g, in one pass
    v.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    rate, denominator = adam_scaling(v, step, lr, beta1, beta2, eps, bias_correction_in_lr)
    # torch divides m by its correction (m_hat); Keras's lr_t already holds it.
    correction1 = 1.0 if bias_correction_in_lr else 1 - beta1**step
    param.addcdiv_(m, denominator, value=-rate / correction1)


@REGISTRY.register("adam")
class Adam(Optimizer):
    """``Adam(params, lr=None, betas=(0.9, 0.999), eps=None, convention="torch")``."""

    def __init__(self, params, lr=None, betas=(0.9, 0.999), eps=None, convention="torch"):
        super().__init__(params, convention, lr=lr, betas=betas, eps=eps)

    def init_state(self, param, group):
        return {"step": 0, "exp_avg": torch.zeros_like(param), "exp_avg_sq": torch.zeros_like(param)}

    def update(self, param, grad, state, group, convention):
        beta1, beta2 = group["betas"]
        adam_update(
            param, grad, state["exp_avg"], state["exp_avg_sq"], state["step"], group["lr"],
            beta1, beta2, group["eps"], convention.bias_correction_in_lr,
        )

    def effective_lr(self, param, state, group, convention):
        # The factor on m_hat (torch) or m (Keras). Before the first step
        # (v = 0) the corrections of step 1 stand in for those of step 0 (0/0).
        beta1, beta2 = group["betas"]
        rate, denominator = adam_scaling(
            state["exp_avg_sq"], max(state["step"], 1), group["lr"], beta1, beta2,
            group["eps"], convention.bias_correction_in_lr,
        )
        return denominator.reciprocal_().mul_(rate)
