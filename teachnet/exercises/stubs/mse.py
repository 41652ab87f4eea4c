"""Exercise `mse`: the mean squared error as a torch.autograd.Function.

Formula
    forward:   L = mean over all elements of (y_pred - y_true)^2, returned as
               a 0-d tensor (y_true and y_pred have the same shape)
    backward:  derive dL/dy_pred (grad_output is a 0-d tensor here); return
               None for y_true: we do not differentiate with respect to it.
"""
