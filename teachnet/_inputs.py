"""One place that turns what a user hands teachnet into tensors, and checks shapes.

Errors name the argument (or layer) and both the expected and the given
shape or value, so a student sees their own mistake rather than a traceback
from deep inside torch.
"""
import numbers

import numpy as np
import torch


def as_tensor(value, name, device=None, dtype=None):
    """``value`` (tensor, NumPy array, nested list or number) as a tensor.

    float64 NumPy/list input stays float64 unless ``dtype`` says otherwise;
    strings, dicts and other non-numeric values are a ``TypeError`` naming
    ``name``.
    """
    if isinstance(value, torch.Tensor):
        tensor = value
    else:
        if isinstance(value, (str, bytes, dict, set)) or value is None:
            raise TypeError(
                f"{name} must be a tensor, NumPy array or nested list of numbers, "
                f"got {type(value).__name__} {value!r:.60}"
            )
        try:
            array = np.asarray(value)
        except (ValueError, TypeError) as err:
            raise TypeError(f"{name} could not be read as an array of numbers: {err}") from err
        if array.dtype == object or array.dtype.kind in "USV":
            raise TypeError(
                f"{name} must hold numbers, got an array of {array.dtype} "
                f"(ragged nested lists or strings?)"
            )
        tensor = torch.from_numpy(np.ascontiguousarray(array))
    if device is not None or dtype is not None:
        tensor = tensor.to(device=device, dtype=dtype)
    return tensor


def as_float_tensor(value, name, device=None, float64_to_float32=False):
    """``value`` as a floating tensor (integers and bools become float32).

    ``float64_to_float32`` is what ``fit`` and ``predict`` use: NumPy's
    default float64 is taken as float32, as Keras does.
    """
    tensor = as_tensor(value, name)
    if not tensor.is_floating_point():
        tensor = tensor.to(torch.float32)
    elif float64_to_float32 and tensor.dtype == torch.float64:
        tensor = tensor.to(torch.float32)
    if device is not None:
        tensor = tensor.to(device)
    return tensor


def positive_int(value, name):
    """``value`` as an int, or a ``ValueError`` naming ``name`` if it is not a positive integer."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def check_tensor(value, name):
    """Refuse anything that is not already a tensor (ops take tensors only)."""
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, got {type(value).__name__} {value!r:.60}")
    return value


def align_targets(y_true, y_pred, name="loss"):
    """Give ``y_true`` the shape of ``y_pred``, allowing only ``(n,)`` against ``(n, 1)``.

    Any other mismatch is a ``ValueError`` naming both shapes: Keras would
    broadcast ``(8, 1)`` against ``(8, 3)`` silently, which hides a bug.
    """
    if y_true.shape == y_pred.shape:
        return y_true
    if y_true.dim() == 1 and y_pred.dim() == 2 and y_pred.shape == (y_true.shape[0], 1):
        return y_true.unsqueeze(1)
    if y_pred.dim() == 1 and y_true.dim() == 2 and y_true.shape == (y_pred.shape[0], 1):
        return y_true.squeeze(1)
    raise ValueError(
        f"{name}: y_true and y_pred must have the same shape, got y_true {tuple(y_true.shape)} "
        f"and y_pred {tuple(y_pred.shape)}"
    )


def as_class_labels(y_true, y_pred, name="loss"):
    """Integer class labels for ``y_pred`` of shape ``(..., classes)``, as a long tensor of shape ``(...)``.

    Labels may be of any integer dtype (or floats holding whole numbers, which
    Keras casts), shaped like ``y_pred`` without its class axis or with a
    trailing axis of 1 (``(n,)`` or ``(n, 1)`` for ``(n, classes)``). A
    fractional label or one outside ``[0, classes)`` is a ``ValueError``
    naming it.
    """
    labels = as_tensor(y_true, f"{name}: y_true", device=y_pred.device)
    expected = tuple(y_pred.shape[:-1])
    if tuple(labels.shape) == expected + (1,):
        labels = labels.squeeze(-1)
    if tuple(labels.shape) != expected:
        raise ValueError(
            f"{name}: y_true must hold one class label per row of y_pred, shape {expected} "
            f"or {expected + (1,)}, got y_true {tuple(labels.shape)} and y_pred {tuple(y_pred.shape)}"
        )
    if labels.is_floating_point():
        fractional = labels != labels.round()
        if fractional.any():
            raise ValueError(
                f"{name}: y_true must hold whole class numbers, got {labels[fractional][0].item()!r}"
            )
    elif labels.is_complex():
        raise TypeError(f"{name}: y_true must hold class numbers, got complex dtype {labels.dtype}")
    classes = y_pred.shape[-1]
    outside = (labels < 0) | (labels >= classes)
    if outside.any():
        raise ValueError(
            f"{name}: class label {labels[outside][0].item()!r} is outside [0, {classes}) "
            f"(y_pred has {classes} classes)"
        )
    return labels.long()
