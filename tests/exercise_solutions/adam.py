import torch


def adam_step(param, grad, state, lr, beta1, beta2, eps):
    t = state["t"] = state.get("t", 0) + 1
    m = state["m"] = beta1 * state.get("m", torch.zeros_like(param)) + (1 - beta1) * grad
    v = state["v"] = beta2 * state.get("v", torch.zeros_like(param)) + (1 - beta2) * grad * grad
    m_hat = m / (1 - beta1 ** t)
    v_hat = v / (1 - beta2 ** t)
    param.sub_(lr * m_hat / (v_hat.sqrt() + eps))
