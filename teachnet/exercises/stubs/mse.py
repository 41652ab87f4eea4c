"""Exercise `mse`: the mean squared error as a torch.autograd.Function.

Task
    Fill in `MeanSquaredError.forward` and `MeanSquaredError.backward` below with elementary tensor
    ops (torch.exp, torch.log, torch.where, clamp, matmul, sum, ...). Calling
    F.mse_loss or autograd (torch.autograd.grad, .backward())
    is refused by the checker: deriving it is the exercise.

Formula
    forward:   L = mean over all elements of (y_pred - y_true)^2, returned as
               a 0-d tensor (y_true and y_pred have the same shape)
    backward:  derive dL/dy_pred (grad_output is a 0-d tensor here); return
               None for y_true: we do not differentiate with respect to it.

    backward receives grad_output = dL/d(output) and returns, for each argument
    of forward after ctx, dL/d(argument) = grad_output * d(output)/d(argument)
    (the chain rule), each with its argument's shape and dtype.
    Save what backward needs with ctx.save_for_backward(...) in forward.

Check
    teachnet exercises check mse {path}
    (compares your values and gradients with torch's on ordinary inputs,
    extremes, several shapes and dtypes, and runs torch.autograd.gradcheck)
"""
import torch


class MeanSquaredError(torch.autograd.Function):
    @staticmethod
    def forward(ctx, y_true, y_pred):
        raise NotImplementedError("MeanSquaredError.forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("MeanSquaredError.backward")
