"""teachnet: a deep-learning framework written out so that students can read it.

Every activation, loss and optimizer is an explicit ``torch.autograd.Function``
or a plain tensor update, checked against PyTorch and Keras.
"""
from . import activations, callbacks, initializers, layers, losses, metrics, models, optim, probes, saving
from .device import get_device
from .models import Sequential
from .saving import load_model

__version__ = "0.1.0"

__all__ = [
    "activations",
    "callbacks",
    "get_device",
    "initializers",
    "layers",
    "load_model",
    "losses",
    "metrics",
    "models",
    "optim",
    "probes",
    "saving",
    "Sequential",
]
