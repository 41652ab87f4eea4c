"""Exercise `binary_crossentropy`: binary cross-entropy as a torch.autograd.Function.

Task
    Fill in `BinaryCrossentropy.forward` and `BinaryCrossentropy.backward` below with elementary tensor
    ops (torch.exp, torch.log, torch.where, clamp, matmul, sum, ...). Calling
    F.binary_cross_entropy or autograd (torch.autograd.grad, .backward())
    is refused by the checker: deriving it is the exercise.

Formula
    forward:   p = y_pred clipped to [eps, 1 - eps], eps = 1e-7 in y_pred's
               dtype (as Keras does); L = -mean(y log p + (1 - y) log(1 - p))
               over all elements, a 0-d tensor. y_pred may be exactly 0 or 1.
    backward:  derive dL/dy_pred of the clipped loss: where y_pred lies outside
               [eps, 1 - eps] the clip does not change with it. Return None
               for y_true.

    backward receives grad_output = dL/d(output) and returns, for each argument
    of forward after ctx, dL/d(argument) = grad_output * d(output)/d(argument)
    (the chain rule), each with its argument's shape and dtype.
    Save what backward needs with ctx.save_for_backward(...) in forward.

Check
    teachnet exercises check binary_crossentropy {path}
    (compares your values and gradients with torch's on ordinary inputs,
    extremes, several shapes and dtypes, and runs torch.autograd.gradcheck)
"""
import torch


class BinaryCrossentropy(torch.autograd.Function):
    @staticmethod
    def forward(ctx, y_true, y_pred):
        raise NotImplementedError("BinaryCrossentropy.forward")

    @staticmethod
    def backward(ctx, grad_output):
        raise NotImplementedError("BinaryCrossentropy.backward")
