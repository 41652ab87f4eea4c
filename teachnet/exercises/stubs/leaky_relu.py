"""Exercise `leaky_relu`: the leaky rectifier as a torch.autograd.Function.

Task
    Fill in `LeakyReLU.forward` and `LeakyReLU.backward` below with elementary tensor
    ops (torch.exp, torch.log, torch.where, clamp, matmul, sum, ...). Calling
    F.leaky_relu or autograd (torch.autograd.grad, .backward())
    is refused by the checker: deriving it is the exercise.

Formula
    forward:   leaky_relu(x) = x where x > 0, negative_slope * x elsewhere
               (negative_slope is a Python float, e.g. 0.01)
    backward:  derive d/dx on both sides (at x = 0 anything between the two
               is accepted); return None for negative_slope: we do not
               differentiate with respect to it.

    backward receives grad_output = dL/d(output) and returns, for each argument
    of forward after ctx, dL/d(argument) = grad_output * d(output)/d(argument)
    (the chain rule), each with its argument's shape and dtype.
    Save what backward needs with ctx.save_for_backward(...) in forward.

Check
    teachnet exercises check leaky_relu {path}
    (compares your values and gradients with torch's on ordinary inputs,
    extremes, several shapes and dtypes, and runs torch.autograd.gradcheck)
"""
import torch


class LeakyReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, negative_slope):
        raise NotImplementedError("LeakyReLU.forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("LeakyReLU.backward")
