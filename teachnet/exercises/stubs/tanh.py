"""Exercise `tanh`: the hyperbolic tangent as a torch.autograd.Function.

Task
    Fill in `Tanh.forward` and `Tanh.backward` below with elementary tensor
    ops (torch.exp, torch.log, torch.where, clamp, matmul, sum, ...). Calling
    torch.tanh, Tensor.tanh, F.tanh or autograd (torch.autograd.grad, .backward())
    is refused by the checker: deriving it is the exercise.

Formula
    forward:   tanh(x) = (exp(x) - exp(-x)) / (exp(x) + exp(-x))
    backward:  derive d tanh/dx and write it with tanh(x) itself.
    It must stay finite for x = +-1e4: exp(1e4) is inf, and inf/inf is nan.

    backward receives grad_output = dL/d(output) and returns, for each argument
    of forward after ctx, dL/d(argument) = grad_output * d(output)/d(argument)
    (the chain rule), each with its argument's shape and dtype.
    Save what backward needs with ctx.save_for_backward(...) in forward.

Check
    teachnet exercises check tanh {path}
    (compares your values and gradients with torch's on ordinary inputs,
    extremes, several shapes and dtypes, and runs torch.autograd.gradcheck)
"""
import torch


class Tanh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError("Tanh.forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("Tanh.backward")
