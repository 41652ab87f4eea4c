"""Losses, each an autograd Function with its gradient written out by hand.

Keras's argument order ``(y_true, y_pred)`` and Keras's numbers: every loss
returns the mean over the batch as a 0-d tensor. Only ``y_pred`` gets a
gradient (``y_true`` is data). ``N`` in the formulas is the number of terms
averaged: the number of elements for the element-wise losses (binary
cross-entropy among them: the mean over the last axis, then the batch), the
number of rows (everything but the class axis) for the categorical ones.

Probabilities are clipped to ``[eps, 1 - eps]`` with ``eps = 1e-7`` in the
input's dtype, as Keras does, and the gradient is that of the clipped loss:
0 where the clip was active. Logits go through the stable formulas, finite
even for logits of +-1e4.
"""
import torch
from torch.autograd.function import once_differentiable

from ._inputs import align_targets, as_class_labels, as_tensor, check_tensor
from ._registry import Registry
from .activations import sigmoid  # BCE from logits: dL/dx = sigmoid(x) - t, finite for any x

REGISTRY = Registry("loss", plural="losses")

# Keras's backend.epsilon(): the clip that keeps log() finite.
EPSILON = 1e-7


def _rows(y_pred):
    """How many rows a class axis last leaves: the ``N`` of the cross-entropies."""
    return y_pred.numel() // y_pred.shape[-1] if y_pred.dim() else 1


def _stable_log_softmax(x):
    """log softmax(x) = x - max - log(sum exp(x - max)) over the last axis: no exp() above 1."""
    shifted = x - x.amax(dim=-1, keepdim=True)
    return shifted - torch.log(torch.exp(shifted).sum(dim=-1, keepdim=True))


class MeanAbsoluteError(torch.autograd.Function):
    """L = mean |p - t|;  dL/dp = sign(p - t) / N."""

    @staticmethod
    def forward(ctx, y_true, y_pred):
        diff = y_pred - y_true
        ctx.save_for_backward(diff)
        return diff.abs().mean()

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        (diff,) = ctx.saved_tensors
        return None, torch.sign(diff) * (grad_output / diff.numel())


class MeanSquaredError(torch.autograd.Function):
    """L = mean (p - t)^2;  dL/dp = 2 (p - t) / N."""

    @staticmethod
    def forward(ctx, y_true, y_pred):
        diff = y_pred - y_true
        ctx.save_for_backward(diff)
        return (diff * diff).mean()

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        (diff,) = ctx.saved_tensors
        return None, 2 * diff * (grad_output / diff.numel())


class Hinge(torch.autograd.Function):
    """L = mean max(0, 1 - t p) with t in {-1, +1};  dL/dp = -t [1 - t p > 0] / N.

    At the kink (t p = 1) the gradient is 0, the sub-gradient relu uses too.
    """

    @staticmethod
    def forward(ctx, y_true, y_pred):
        margin = 1 - y_true * y_pred
        ctx.save_for_backward(y_true, margin)
        return torch.clamp(margin, min=0).mean()

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        y_true, margin = ctx.saved_tensors
        return None, torch.where(margin > 0, -y_true, 0) * (grad_output / margin.numel())


class BinaryCrossentropy(torch.autograd.Function):
    """Binary cross-entropy, from probabilities p or logits x.

    probabilities: q = clip(p, eps, 1 - eps),  L = -mean(t log q + (1 - t) log(1 - q)),
                   dL/dp = (q - t) / (q (1 - q)) / N inside the clip range, 0 outside.
    logits:        L = mean(max(x, 0) - x t + log(1 + exp(-|x|))),  dL/dx = (sigmoid(x) - t) / N.
    """

    @staticmethod
    def forward(ctx, y_true, y_pred, from_logits):
        ctx.from_logits = from_logits
        if from_logits:
            x = y_pred
            ctx.save_for_backward(y_true, x)
            return (torch.clamp(x, min=0) - x * y_true + torch.log1p(torch.exp(-x.abs()))).mean()
        q = torch.clamp(y_pred, EPSILON, 1 - EPSILON)
        ctx.save_for_backward(y_true, q, q == y_pred)
        return -(y_true * torch.log(q) + (1 - y_true) * torch.log(1 - q)).mean()

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        scale = grad_output / ctx.saved_tensors[0].numel()
        if ctx.from_logits:
            y_true, x = ctx.saved_tensors
            return None, (sigmoid(x) - y_true) * scale, None
        # `inside`: where the clip left p as it was (bounds included, as torch.clamp's gradient).
        y_true, q, inside = ctx.saved_tensors
        return None, torch.where(inside, (q - y_true) / (q * (1 - q)), 0) * scale, None


class CategoricalCrossentropy(torch.autograd.Function):
    """Categorical cross-entropy of one-hot t, from probabilities p or logits x (classes on the last axis).

    probabilities: r = p / sum(p),  q = clip(r, eps, 1 - eps),  L = -mean over rows of sum_k t_k log q_k;
                   g_k = -t_k / q_k inside the clip range (0 outside),
                   dL/dp_j = (g_j - sum_k g_k r_k) / sum(p) / N   (the Jacobian of r = p / sum(p)).
    logits:        L = -mean over rows of sum_k t_k log_softmax(x)_k,
                   dL/dx = (softmax(x) sum_k t_k - t) / N   (= softmax(x) - t for one-hot t).
    """

    @staticmethod
    def forward(ctx, y_true, y_pred, from_logits):
        ctx.from_logits = from_logits
        if from_logits:
            log_q = _stable_log_softmax(y_pred)
            ctx.save_for_backward(y_true, log_q)
        else:
            total = y_pred.sum(dim=-1, keepdim=True)
            r = y_pred / total
            q = torch.clamp(r, EPSILON, 1 - EPSILON)
            log_q = torch.log(q)
            ctx.save_for_backward(y_true, q, r, total, q == r)
        return -(y_true * log_q).sum(dim=-1).mean()

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        y_true = ctx.saved_tensors[0]
        scale = grad_output / _rows(y_true)
        if ctx.from_logits:
            _, log_q = ctx.saved_tensors
            softmax = torch.exp(log_q)
            return None, (softmax * y_true.sum(dim=-1, keepdim=True) - y_true) * scale, None
        _, q, r, total, inside = ctx.saved_tensors
        g = torch.where(inside, -y_true / q, 0)
        grad = (g - (g * r).sum(dim=-1, keepdim=True)) / total
        return None, grad * scale, None


class SparseCategoricalCrossentropy(CategoricalCrossentropy):
    """Categorical cross-entropy with integer labels y: CategoricalCrossentropy of t = one_hot(y).

    L = -mean over rows of log q_y (q as there);  dL/dp and dL/dx: CategoricalCrossentropy's backward with that t.
    """

    @staticmethod
    def forward(ctx, labels, y_pred, from_logits):
        one_hot = torch.zeros_like(y_pred).scatter_(-1, labels.unsqueeze(-1), 1)
        return CategoricalCrossentropy.forward(ctx, one_hot, y_pred, from_logits)


def _check_prediction(y_pred, name, class_axis=False):
    """y_pred must be a floating tensor (it gets the gradient), with classes on its last axis if asked."""
    check_tensor(y_pred, f"{name}: y_pred")
    if not y_pred.is_floating_point():
        raise TypeError(f"{name}: y_pred must be a floating-point tensor, got dtype {y_pred.dtype}")
    if class_axis and (y_pred.dim() == 0 or y_pred.shape[-1] == 0):
        raise ValueError(f"{name}: y_pred needs classes on its last axis, got shape {tuple(y_pred.shape)}")


def _prepare(y_true, y_pred, name, class_axis=False):
    """Check y_pred, bring y_true to its device, dtype and shape (errors name the loss)."""
    _check_prediction(y_pred, name, class_axis)
    y_true = as_tensor(y_true, f"{name}: y_true", device=y_pred.device, dtype=y_pred.dtype)
    return align_targets(y_true, y_pred, name=name)


@REGISTRY.register("mean_absolute_error", "mae")
def mean_absolute_error(y_true, y_pred):
    """mean |y_pred - y_true| over the last axis, then over the batch."""
    return MeanAbsoluteError.apply(_prepare(y_true, y_pred, "mean_absolute_error"), y_pred)


@REGISTRY.register("mean_squared_error", "mse")
def mean_squared_error(y_true, y_pred):
    """mean (y_pred - y_true)^2 over the last axis, then over the batch."""
    return MeanSquaredError.apply(_prepare(y_true, y_pred, "mean_squared_error"), y_pred)


# Keras's short names, as module attributes too (``tn.losses.mse``).
mae = mean_absolute_error
mse = mean_squared_error


@REGISTRY.register("hinge")
def hinge(y_true, y_pred):
    """mean max(0, 1 - y_true * y_pred); labels that are all 0 or 1 become -1/+1 (as Keras does)."""
    y_true = _prepare(y_true, y_pred, "hinge")
    # Decided on the device (no `if` on a tensor): a GPU need not wait for the answer.
    all_binary = ((y_true == 0) | (y_true == 1)).all()
    y_true = torch.where(all_binary, 2 * y_true - 1, y_true)
    return Hinge.apply(y_true, y_pred)


@REGISTRY.register("binary_crossentropy", "bce")
def binary_crossentropy(y_true, y_pred, from_logits=False):
    """Binary cross-entropy of targets in [0, 1] and probabilities (or logits if ``from_logits``)."""
    y_true = _prepare(y_true, y_pred, "binary_crossentropy")
    return BinaryCrossentropy.apply(y_true, y_pred, bool(from_logits))


@REGISTRY.register("categorical_crossentropy")
def categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Cross-entropy of one-hot ``y_true`` and class probabilities (or logits) on the last axis."""
    y_true = _prepare(y_true, y_pred, "categorical_crossentropy", class_axis=True)
    return CategoricalCrossentropy.apply(y_true, y_pred, bool(from_logits))


@REGISTRY.register("sparse_categorical_crossentropy")
def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False):
    """Cross-entropy of integer class labels, shape ``(n,)`` or ``(n, 1)``, and ``(n, classes)`` y_pred."""
    name = "sparse_categorical_crossentropy"
    _check_prediction(y_pred, name, class_axis=True)
    labels = as_class_labels(y_true, y_pred, name=name)
    return SparseCategoricalCrossentropy.apply(labels, y_pred, bool(from_logits))


def get(name_or_callable):
    """The loss function called ``name_or_callable`` (Keras names and aliases); a callable passes through."""
    return REGISTRY.get(name_or_callable)
