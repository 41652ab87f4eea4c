"""teachnet: a deep-learning framework written out so that students can read it.

Every activation, loss and optimizer is an explicit ``torch.autograd.Function``
or a plain tensor update, checked against PyTorch and Keras.
"""
from . import activations, callbacks, initializers, layers, losses, optim, probes
from .device import get_device

__version__ = "0.1.0"

__all__ = [
    "activations",
    "callbacks",
    "get_device",
    "initializers",
    "layers",
    "losses",
    "optim",
    "probes",
]
