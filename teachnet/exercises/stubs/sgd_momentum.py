"""Exercise `sgd_momentum`: stochastic gradient descent with momentum.

Formula
    torch keeps a momentum buffer b per parameter:
        b = grad on the first step, b = momentum * b + grad afterwards
        param = param - lr * b
"""
