"""Exercise `adam`: Adam.

Formula
    torch counts the steps t = 1, 2, ... and keeps two running means:
        m = beta1 * m + (1 - beta1) * grad          (m, v start at 0)
        v = beta2 * v + (1 - beta2) * grad^2
        m_hat = m / (1 - beta1^t),  v_hat = v / (1 - beta2^t)   (bias correction)
        param = param - lr * m_hat / (sqrt(v_hat) + eps)
    Mind where eps sits: with gradients of 1e-7 it decides the step.
"""
