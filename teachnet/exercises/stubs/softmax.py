"""Exercise `softmax`: softmax over the last axis as a torch.autograd.Function.

Task
    Fill in `Softmax.forward` and `Softmax.backward` below with elementary tensor
    ops (torch.exp, torch.log, torch.where, clamp, matmul, sum, ...). Calling
    torch.softmax, Tensor.softmax, F.softmax or autograd (torch.autograd.grad, .backward())
    is refused by the checker: deriving it is the exercise.

Formula
    forward:   s_i = exp(x_i) / sum_j exp(x_j), over the last axis (dim=-1)
               (x may have any number of dimensions: each row is one softmax)
    backward:  every s_i depends on every x_j of its row: derive ds_i/dx_j,
               then dL/dx_j = sum_i grad_output_i * ds_i/dx_j, written with
               s and grad_output (no Jacobian matrix needed).
    It must stay finite for rows like [1e4, -1e4, 0]: exp(1e4) is inf.

    backward receives grad_output = dL/d(output) and returns, for each argument
    of forward after ctx, dL/d(argument) = grad_output * d(output)/d(argument)
    (the chain rule), each with its argument's shape and dtype.
    Save what backward needs with ctx.save_for_backward(...) in forward.

Check
    teachnet exercises check softmax {path}
    (compares your values and gradients with torch's on ordinary inputs,
    extremes, several shapes and dtypes, and runs torch.autograd.gradcheck)
"""
import torch


class Softmax(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        raise NotImplementedError("Softmax.forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("Softmax.backward")
