"""Activation functions, each a ``torch.autograd.Function`` with its backward written out.

The forward uses elementary tensor ops (exp, where, clamp, sums), never the
torch op it reimplements; the backward is the hand-derived derivative, using
what the forward saved. Where the textbook formula overflows (``exp(-x)`` for
x = -1e4), the code uses an equal form that cannot: every function here is
finite wherever its math is.

Each Function has a lower-case twin (``sigmoid(x)``, ...) that checks its
argument and calls ``Function.apply``; those are what ``get()`` returns and
what a ``Dense`` layer calls.
"""
import numbers

import torch

from ._inputs import check_tensor
from ._registry import Registry

REGISTRY = Registry("activation")


class Sigmoid(torch.autograd.Function):
    """s = 1 / (1 + exp(-x));   ds/dx = s * (1 - s), so only the output s is saved.

    The formula is safe exactly as written: for very negative x, exp(-x)
    overflows to inf and 1 / (1 + inf) = 0, the true limit. (Written as
    exp(x) / (1 + exp(x)) it would give inf / inf = NaN for large x.)
    """

    @staticmethod
    def forward(ctx, x):
        s = 1 / (1 + torch.exp(-x))
        ctx.save_for_backward(s)
        return s

    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return grad_output * s * (1 - s)


class Tanh(torch.autograd.Function):
    """t = (1 - exp(-2x)) / (1 + exp(-2x));   dt/dx = 1 - t^2, so only the output t is saved.

    Computed for |x| from e = exp(-2|x|) - 1 (expm1, exact for small x), then
    given x's sign: t = -e / (2 + e) never overflows.
    """

    @staticmethod
    def forward(ctx, x):
        e = torch.expm1(-2 * x.abs())
        magnitude = -e / (2 + e)
        t = torch.where(x < 0, -magnitude, magnitude)
        ctx.save_for_backward(t)
        return t

    @staticmethod
    def backward(ctx, grad_output):
        (t,) = ctx.saved_tensors
        return grad_output * (1 - t * t)


class ReLU(torch.autograd.Function):
    """r = max(x, 0);   dr/dx = 1 where x > 0, else 0 (also at x = 0, as torch does).

    r >= 0, and r > 0 exactly where x > 0, so dr/dx = sign(r): the output is
    all the backward needs.
    """

    @staticmethod
    def forward(ctx, x):
        r = x.clamp(min=0)
        ctx.save_for_backward(r)
        return r

    @staticmethod
    def backward(ctx, grad_output):
        (r,) = ctx.saved_tensors
        # sign(r) is the 0/1 mask as a float tensor: several times cheaper than
        # torch.where(r > 0, ...) on the CPU. (Only an infinite upstream
        # gradient at an off unit tells them apart: inf * 0 is NaN.)
        return grad_output * torch.sign(r)


class LeakyReLU(torch.autograd.Function):
    """y = x where x > 0, else a * x;   dy/dx = 1 where x > 0, else a.

    The slope a is a number, not a tensor, so its gradient is None.
    """

    @staticmethod
    def forward(ctx, x, negative_slope):
        ctx.save_for_backward(x)
        ctx.negative_slope = negative_slope
        return torch.where(x > 0, x, x * negative_slope)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return torch.where(x > 0, grad_output, grad_output * ctx.negative_slope), None


class Softmax(torch.autograd.Function):
    """s_i = exp(x_i) / sum_j exp(x_j);   dL/dx = s * (g - sum(g * s)), sums over ``dim``.

    Subtracting max(x) first changes nothing mathematically and keeps exp
    from overflowing; only the output s is saved.
    """

    @staticmethod
    def forward(ctx, x, dim):
        e = torch.exp(x - x.amax(dim, keepdim=True))
        s = e / e.sum(dim, keepdim=True)
        ctx.save_for_backward(s)
        ctx.dim = dim
        return s

    @staticmethod
    def backward(ctx, grad_output):
        (s,) = ctx.saved_tensors
        return s * (grad_output - (grad_output * s).sum(ctx.dim, keepdim=True)), None


@REGISTRY.register("sigmoid")
def sigmoid(x):
    """The logistic function 1 / (1 + exp(-x)), elementwise."""
    return Sigmoid.apply(check_tensor(x, "x (input of sigmoid)"))


@REGISTRY.register("tanh")
def tanh(x):
    """The hyperbolic tangent, elementwise."""
    return Tanh.apply(check_tensor(x, "x (input of tanh)"))


@REGISTRY.register("relu")
def relu(x):
    """max(x, 0), elementwise."""
    return ReLU.apply(check_tensor(x, "x (input of relu)"))


@REGISTRY.register("leaky_relu")
def leaky_relu(x, negative_slope=0.01):
    """x for x > 0, else ``negative_slope * x`` (torch's default slope 0.01; Keras's is 0.2)."""
    check_tensor(x, "x (input of leaky_relu)")
    if isinstance(negative_slope, bool) or not isinstance(negative_slope, numbers.Real):
        raise TypeError(f"leaky_relu: negative_slope must be a number, got {negative_slope!r:.60}")
    return LeakyReLU.apply(x, float(negative_slope))


@REGISTRY.register("softmax")
def softmax(x, dim=-1):
    """exp(x) normalised to sum to 1 along ``dim`` (the last axis by default)."""
    check_tensor(x, "x (input of softmax)")
    rank = max(x.dim(), 1)
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or not -rank <= dim < rank:
        raise IndexError(
            f"softmax: dim must be an integer in [{-rank}, {rank - 1}] for an input of shape "
            f"{tuple(x.shape)}, got {dim!r}"
        )
    if x.numel() == 0:
        return x.clone()
    return Softmax.apply(x, int(dim))


@REGISTRY.register("linear")
def linear(x):
    """The identity: a layer with ``activation=None`` or ``"linear"`` outputs its affine map."""
    return check_tensor(x, "x (input of linear)")


def get(name_or_callable):
    """The activation called ``name_or_callable`` (None means ``linear``, as in Keras)."""
    if name_or_callable is None:
        return linear
    return REGISTRY.get(name_or_callable)
