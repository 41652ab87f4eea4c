"""Exercise `adagrad`: Adagrad.

Task
    Write `adagrad_step` below: one step of the optimizer, with torch's rule
    (torch.optim.Adagrad). Update `param` in place (param.sub_(...) or
    param -= ...) and keep what you need between steps in the dict `state`:
    the caller passes the same dict on every call, empty on the first.
    Calling torch.optim is refused by the checker.

Formula
    torch accumulates the squared gradients (starting from 0):
        sum = sum + grad^2
        param = param - lr * grad / (sqrt(sum) + eps)
    Mind where eps sits: with gradients of 1e-7 it decides the step.

Check
    teachnet exercises check adagrad {path}
    (runs a few hundred steps, some with gradients as small as 1e-7, and
    compares the parameter after every step and the state with torch.optim)
"""
import torch


def adagrad_step(param, grad, state, lr, eps):
    raise NotImplementedError("adagrad_step")
