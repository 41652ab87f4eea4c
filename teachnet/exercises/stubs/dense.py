"""Exercise `dense`: the dense layer's affine map as a torch.autograd.Function.

Task
    Fill in `DenseFunction.forward` and `DenseFunction.backward` below with elementary tensor
    ops (torch.exp, torch.log, torch.where, clamp, matmul, sum, ...). Calling
    F.linear, torch.addmm or autograd (torch.autograd.grad, .backward())
    is refused by the checker: deriving it is the exercise.

Formula
    forward:   y = x @ weight + bias, with x (batch, in), weight (in, out) as in
               Keras, bias (out,); bias may be None (then y = x @ weight)
    backward:  derive dL/dx, dL/dweight and dL/dbias from grad_output
               (batch, out); each has the shape of its argument (None for a
               bias that is None).

    backward receives grad_output = dL/d(output) and returns, for each argument
    of forward after ctx, dL/d(argument) = grad_output * d(output)/d(argument)
    (the chain rule), each with its argument's shape and dtype.
    Save what backward needs with ctx.save_for_backward(...) in forward.

Check
    teachnet exercises check dense {path}
    (compares your values and gradients with torch's on ordinary inputs,
    extremes, several shapes and dtypes, and runs torch.autograd.gradcheck)
"""
import torch


class DenseFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, bias):
        raise NotImplementedError("DenseFunction.forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("DenseFunction.backward")
