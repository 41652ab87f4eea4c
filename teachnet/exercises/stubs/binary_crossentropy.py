"""Exercise `binary_crossentropy`: binary cross-entropy as a torch.autograd.Function.

Formula
    forward:   p = y_pred clipped to [eps, 1 - eps], eps = 1e-7 in y_pred's
               dtype (as Keras does); L = -mean(y log p + (1 - y) log(1 - p))
               over all elements, a 0-d tensor. y_pred may be exactly 0 or 1.
    backward:  derive dL/dy_pred of the clipped loss: where y_pred lies outside
               [eps, 1 - eps] the clip does not change with it. Return None
               for y_true.
"""
