"""Exercise `adagrad`: Adagrad.

Formula
    torch accumulates the squared gradients (starting from 0):
        sum = sum + grad^2
        param = param - lr * grad / (sqrt(sum) + eps)
    Mind where eps sits: with gradients of 1e-7 it decides the step.
"""
