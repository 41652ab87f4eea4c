"""Probes: callbacks that measure what happens inside the network, once per epoch.

Each one adds its numbers to the epoch's logs, so they land in
``History.history`` next to ``loss``, one value per epoch, under fixed keys:

- ``DeadUnits(x_probe)`` -> ``dead_units/<layer name>``: for each Dense layer
  with a relu or leaky_relu activation, the fraction of its units whose output
  is 0 for every row of ``x_probe`` (such a unit passes no gradient back: it
  has died). A leaky_relu unit's output is 0 only where its input is exactly 0,
  so its fraction stays near 0: the leak is what keeps it alive.
- ``GradientNorms()`` -> ``grad_norm/<layer name>``: the L2 norm of the gradient
  of each layer's kernel (weight matrix, not bias) from the epoch's last batch.
  Shrinking norms toward the first layers are vanishing gradients.
- ``EffectiveLearningRate()`` -> ``effective_lr/<parameter name>`` (names from
  ``model.named_parameters()``, e.g. ``dense.kernel``): the mean of the
  optimizer's ``effective_learning_rates()``, the factor on the gradient in
  the update. For Adagrad it only decays.
"""
import torch

from . import activations
from ._inputs import as_float_tensor
from .callbacks import Callback

DYING_ACTIVATIONS = ("relu", "leaky_relu")


def _can_die(layer):
    """Whether ``layer``'s activation is relu or leaky_relu (also inside a functools.partial)."""
    activation = getattr(layer, "activation", None)
    activation = getattr(activation, "func", activation)  # partial(leaky_relu, negative_slope=0.2)
    return activations.REGISTRY.name_of(activation) in DYING_ACTIVATIONS


class DeadUnits(Callback):
    """``dead_units/<layer>``: the fraction of a relu/leaky_relu layer's units that output 0 on all of ``x_probe``."""

    def __init__(self, x_probe):
        super().__init__()
        self.x_probe = as_float_tensor(x_probe, "x_probe", float64_to_float32=True)

    @torch.no_grad()
    def on_epoch_end(self, epoch, logs=None):
        out = self.x_probe.to(self.model.device)
        for layer in self.model.layers:
            out = layer(out)
            if _can_die(layer):
                dead = (out == 0).all(dim=0)  # a unit is dead if it is 0 for every row
                logs[f"dead_units/{layer.name}"] = dead.float().mean().item()


class GradientNorms(Callback):
    """``grad_norm/<layer>``: the L2 norm of each layer's kernel gradient, from the epoch's last batch."""

    def on_epoch_end(self, epoch, logs=None):
        for layer in self.model.layers:
            kernel = getattr(layer, "kernel", None)
            if kernel is not None and kernel.grad is not None:
                logs[f"grad_norm/{layer.name}"] = kernel.grad.norm().item()


class EffectiveLearningRate(Callback):
    """``effective_lr/<parameter>``: the mean effective learning rate of each parameter after the epoch."""

    def on_epoch_end(self, epoch, logs=None):
        optimizer = self.model.optimizer
        if not hasattr(optimizer, "effective_learning_rates"):
            raise TypeError(
                f"EffectiveLearningRate needs a teachnet optimizer (with effective_learning_rates()), "
                f"got {type(optimizer).__name__}"
            )
        names = {id(p): name for name, p in self.model.named_parameters()}
        parameters = [p for group in optimizer.param_groups for p in group["params"]]
        for parameter, rate in zip(parameters, optimizer.effective_learning_rates()):
            logs[f"effective_lr/{names.get(id(parameter), id(parameter))}"] = rate.mean().item()
