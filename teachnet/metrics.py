"""Metrics: numbers reported during training that the optimizer does not minimise.

Each metric is a function ``(y_true, y_pred) -> 0-d tensor``, the mean over
the batch, with Keras's definition:

- ``binary_accuracy``: mean of [ (y_pred > 0.5) == y_true ];
- ``categorical_accuracy``: mean of [ argmax(y_pred) == argmax(y_true) ] (one-hot y_true);
- ``sparse_categorical_accuracy``: mean of [ argmax(y_pred) == y_true ] (integer labels);
- ``mae`` / ``mse``: the losses of the same name (a loss can always be watched as a metric).

``"accuracy"`` (or ``"acc"``) is not one function: ``get`` picks one of the
three accuracies from the loss, as Keras does, and where the loss does not
say (mse, hinge, your own) from the shapes: one output unit means binary,
labels with fewer axes than the output mean sparse, otherwise categorical.
``fit`` reports a sample-weighted mean of the per-batch values, so an epoch's
accuracy is the fraction of all its samples that were right.
"""
import torch

from . import losses
from ._inputs import align_targets, as_class_labels, as_tensor
from ._registry import Registry

REGISTRY = Registry("metric")

ACCURACY_NAMES = ("accuracy", "acc")


def _targets(y_true, y_pred, name):
    y_true = as_tensor(y_true, f"{name}: y_true", device=y_pred.device)
    return align_targets(y_true, y_pred, name=name)


@REGISTRY.register("binary_accuracy")
def binary_accuracy(y_true, y_pred, threshold=0.5):
    """mean of [ (y_pred > threshold) == y_true ]: y_true holds 0s and 1s, y_pred probabilities."""
    y_true = _targets(y_true, y_pred, "binary_accuracy")
    predicted = (y_pred > threshold).to(y_true.dtype)
    return (predicted == y_true).to(y_pred.dtype).mean()


@REGISTRY.register("categorical_accuracy")
def categorical_accuracy(y_true, y_pred):
    """mean of [ argmax(y_pred) == argmax(y_true) ] over the rows: y_true one-hot."""
    y_true = _targets(y_true, y_pred, "categorical_accuracy")
    return (y_pred.argmax(dim=-1) == y_true.argmax(dim=-1)).to(y_pred.dtype).mean()


@REGISTRY.register("sparse_categorical_accuracy")
def sparse_categorical_accuracy(y_true, y_pred):
    """mean of [ argmax(y_pred) == y_true ] over the rows: y_true class numbers, (n,) or (n, 1)."""
    labels = as_class_labels(y_true, y_pred, name="sparse_categorical_accuracy")
    return (y_pred.argmax(dim=-1) == labels).to(y_pred.dtype).mean()


REGISTRY.register("mean_absolute_error", "mae")(losses.mean_absolute_error)
REGISTRY.register("mean_squared_error", "mse")(losses.mean_squared_error)

# Which accuracy a loss implies (Keras 2's rule; Keras 3 reads the same off the shapes).
ACCURACY_FOR_LOSS = {
    "binary_crossentropy": binary_accuracy,
    "categorical_crossentropy": categorical_accuracy,
    "sparse_categorical_crossentropy": sparse_categorical_accuracy,
}


def accuracy_for(loss_name, y_true_shape, y_pred_shape):
    """The accuracy that ``"accuracy"`` means for this loss, else for these shapes (Keras 3's rule)."""
    if loss_name in ACCURACY_FOR_LOSS:
        return ACCURACY_FOR_LOSS[loss_name]
    if y_pred_shape[-1] == 1:
        return binary_accuracy
    if len(y_true_shape) < len(y_pred_shape) or y_true_shape[-1] == 1:
        return sparse_categorical_accuracy
    return categorical_accuracy


def check(identifier):
    """Refuse an unknown metric at ``compile`` time (``"accuracy"`` is resolved later, in ``get``)."""
    if isinstance(identifier, str) and identifier.lower() in ACCURACY_NAMES:
        return identifier
    try:
        REGISTRY.get(identifier)
    except ValueError as err:
        raise ValueError(f"{err}, or 'accuracy'") from None
    return identifier


def name_of(identifier):
    """The key a metric's values get in logs and ``History.history``: the name as given, as Keras does."""
    if isinstance(identifier, str):
        return identifier
    return REGISTRY.label(identifier)


def get(identifier, loss_name=None, y_true_shape=None, y_pred_shape=None):
    """The metric function for ``identifier``: a name, ``"accuracy"`` (needs the loss or the shapes), or a callable."""
    if isinstance(identifier, str) and identifier.lower() in ACCURACY_NAMES:
        if loss_name not in ACCURACY_FOR_LOSS and (y_true_shape is None or y_pred_shape is None):
            raise ValueError(
                f"metric {identifier!r}: which accuracy (binary, categorical, sparse) depends on the loss "
                f"or on the shapes of y_true and y_pred; give them"
            )
        return accuracy_for(loss_name, tuple(y_true_shape or ()), tuple(y_pred_shape or ()))
    return REGISTRY.get(identifier)


@torch.no_grad()
def evaluate_all(metric_fns, y_true, y_pred):
    """``{name: value}`` for each ``(name, fn)`` in ``metric_fns`` on one batch, without gradients."""
    return {name: fn(y_true, y_pred) for name, fn in metric_fns}
