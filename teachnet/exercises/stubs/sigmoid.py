"""Exercise `sigmoid`: the logistic sigmoid as a torch.autograd.Function.

Task
    Fill in `Sigmoid.forward` and `Sigmoid.backward` below with elementary tensor
    ops (torch.exp, torch.log, torch.where, clamp, matmul, sum, ...). Calling
    torch.sigmoid, Tensor.sigmoid, F.sigmoid, torch.special.expit or autograd (torch.autograd.grad, .backward())
    is refused by the checker: deriving it is the exercise.

Formula
    forward:   sigma(x) = 1 / (1 + exp(-x))
    backward:  derive d sigma/dx and write it with sigma(x) itself.
    It must stay finite for x = +-1e4 in float32: exp(1e4) is inf.

    backward receives grad_output = dL/d(output) and returns, for each argument
    of forward after ctx, dL/d(argument) = grad_output * d(output)/d(argument)
    (the chain rule), each with its argument's shape and dtype.
    Save what backward needs with ctx.save_for_backward(...) in forward.

Check
    teachnet exercises check sigmoid {path}
    (compares your values and gradients with torch's on ordinary inputs,
    extremes, several shapes and dtypes, and runs torch.autograd.gradcheck)
"""
import torch


class Sigmoid(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError("Sigmoid.forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("Sigmoid.backward")
