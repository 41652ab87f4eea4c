"""Exercise `leaky_relu`: the leaky rectifier as a torch.autograd.Function.

Formula
    forward:   leaky_relu(x) = x where x > 0, negative_slope * x elsewhere
               (negative_slope is a Python float, e.g. 0.01)
    backward:  derive d/dx on both sides (at x = 0 anything between the two
               is accepted); return None for negative_slope: we do not
               differentiate with respect to it.
"""
