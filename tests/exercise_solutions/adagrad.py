import torch


def adagrad_step(param, grad, state, lr, eps):
    state["sum"] = state.get("sum", torch.zeros_like(param)) + grad * grad
    param.sub_(lr * grad / (state["sum"].sqrt() + eps))
