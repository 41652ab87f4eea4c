"""Exercise `dense`: the dense layer's affine map as a torch.autograd.Function.

Formula
    forward:   y = x @ weight + bias, with x (batch, in), weight (in, out) as in
               Keras, bias (out,); bias may be None (then y = x @ weight)
    backward:  derive dL/dx, dL/dweight and dL/dbias from grad_output
               (batch, out); each has the shape of its argument (None for a
               bias that is None).
"""
