"""Exercise `softmax`: softmax over the last axis as a torch.autograd.Function.

Formula
    forward:   s_i = exp(x_i) / sum_j exp(x_j), over the last axis (dim=-1)
               (x may have any number of dimensions: each row is one softmax)
    backward:  every s_i depends on every x_j of its row: derive ds_i/dx_j,
               then dL/dx_j = sum_i grad_output_i * ds_i/dx_j, written with
               s and grad_output (no Jacobian matrix needed).
    It must stay finite for rows like [1e4, -1e4, 0]: exp(1e4) is inf.
"""
