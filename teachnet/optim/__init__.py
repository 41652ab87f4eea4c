"""``tn.optim``: SGD, Adagrad, Adadelta, RMSprop and Adam as ``torch.optim.Optimizer`` subclasses.

Each follows ``torch.optim`` (``convention="torch"``, the default) or
``keras.optimizers`` (``convention="keras"``) to float tolerance; see base.py
for what the two conventions change.
"""
import torch

from .adadelta import Adadelta
from .adagrad import Adagrad
from .adam import Adam
from .base import REGISTRY, Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["REGISTRY", "Optimizer", "SGD", "Adagrad", "Adadelta", "RMSprop", "Adam", "get"]


def get(name_or_optimizer, params=None):
    """An optimizer: a lower-case name ("adam", "sgd", ...) built on ``params`` (torch
    convention and defaults), an optimizer class built on ``params``, or an
    ``Optimizer`` instance, returned as it is."""
    if isinstance(name_or_optimizer, torch.optim.Optimizer):
        return name_or_optimizer
    build = REGISTRY.get(name_or_optimizer)
    if params is None:
        raise ValueError(f"optimizer {name_or_optimizer!r} needs the parameters to optimize: get(name, params)")
    return build(params)
