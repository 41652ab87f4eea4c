"""Exercise `sgd_momentum`: stochastic gradient descent with momentum.

Task
    Write `sgd_momentum_step` below: one step of the optimizer, with torch's rule
    (torch.optim.SGD(momentum=...)). Update `param` in place (param.sub_(...) or
    param -= ...) and keep what you need between steps in the dict `state`:
    the caller passes the same dict on every call, empty on the first.
    Calling torch.optim is refused by the checker.

Formula
    torch keeps a momentum buffer b per parameter:
        b = grad on the first step, b = momentum * b + grad afterwards
        param = param - lr * b

Check
    teachnet exercises check sgd_momentum {path}
    (runs a few hundred steps, some with gradients as small as 1e-7, and
    compares the parameter after every step and the state with torch.optim)
"""
import torch


def sgd_momentum_step(param, grad, state, lr, momentum):
    raise NotImplementedError("sgd_momentum_step")
