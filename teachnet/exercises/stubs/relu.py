"""Exercise `relu`: the rectifier as a torch.autograd.Function.

Formula
    forward:   relu(x) = max(0, x)
    backward:  derive d relu/dx for x < 0 and x > 0; at the kink x = 0 any
               value in [0, 1] is accepted (a subgradient).
"""
