def sgd_momentum_step(param, grad, state, lr, momentum):
    if "buf" not in state:
        state["buf"] = grad.clone()
    else:
        state["buf"] = momentum * state["buf"] + grad
    param.sub_(lr * state["buf"])
