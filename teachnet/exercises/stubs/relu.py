"""Exercise `relu`: the rectifier as a torch.autograd.Function.

Task
    Fill in `ReLU.forward` and `ReLU.backward` below with elementary tensor
    ops (torch.exp, torch.log, torch.where, clamp, matmul, sum, ...). Calling
    torch.relu, Tensor.relu, F.relu or autograd (torch.autograd.grad, .backward())
    is refused by the checker: deriving it is the exercise.

Formula
    forward:   relu(x) = max(0, x)
    backward:  derive d relu/dx for x < 0 and x > 0; at the kink x = 0 any
               value in [0, 1] is accepted (a subgradient).

    backward receives grad_output = dL/d(output) and returns, for each argument
    of forward after ctx, dL/d(argument) = grad_output * d(output)/d(argument)
    (the chain rule), each with its argument's shape and dtype.
    Save what backward needs with ctx.save_for_backward(...) in forward.

Check
    teachnet exercises check relu {path}
    (compares your values and gradients with torch's on ordinary inputs,
    extremes, several shapes and dtypes, and runs torch.autograd.gradcheck)
"""
import torch


class ReLU(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError("ReLU.forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("ReLU.backward")
