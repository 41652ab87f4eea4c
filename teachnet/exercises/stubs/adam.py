"""Exercise `adam`: Adam.

Task
    Write `adam_step` below: one step of the optimizer, with torch's rule
    (torch.optim.Adam). Update `param` in place (param.sub_(...) or
    param -= ...) and keep what you need between steps in the dict `state`:
    the caller passes the same dict on every call, empty on the first.
    Calling torch.optim is refused by the checker.

Formula
    torch counts the steps t = 1, 2, ... and keeps two running means:
        m = beta1 * m + (1 - beta1) * grad          (m, v start at 0)
        v = beta2 * v + (1 - beta2) * grad^2
        m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)   (bias correction)
        param = param - lr * m_hat / (sqrt(v_hat) + eps)
    Mind where eps sits: with gradients of 1e-7 it decides the step.

Check
    teachnet exercises check adam {path}
    (runs a few hundred steps, some with gradients as small as 1e-7, and
    compares the parameter after every step and the state with torch.optim)
"""
import torch


def adam_step(param, grad, state, lr, beta1, beta2, eps):
    raise NotImplementedError("adam_step")
