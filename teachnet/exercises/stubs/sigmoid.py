"""Exercise `sigmoid`: the logistic sigmoid as a torch.autograd.Function.

Formula
    forward:   sigma(x) = 1 / (1 + exp(-x))
    backward:  derive d sigma/dx and write it with sigma(x) itself.
    It must stay finite for x = +-1e4 in float32: exp(1e4) is inf.
"""
