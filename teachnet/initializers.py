"""Weight initializers, with Keras's formulas.

Each initializer is a function ``(shape, device=None, dtype=torch.float32) -> tensor``
that draws from torch's global random generator (so ``torch.manual_seed`` makes
an initialization repeatable) and creates the tensor directly on ``device``.

For a kernel of shape ``(fan_in, fan_out)``:

- ``glorot_uniform``: U(-limit, limit), limit = sqrt(6 / (fan_in + fan_out))
- ``glorot_normal``:  truncated normal, stddev = sqrt(2 / (fan_in + fan_out)) / .8796
- ``he_uniform``:     U(-limit, limit), limit = sqrt(6 / fan_in)
- ``he_normal``:      truncated normal, stddev = sqrt(2 / fan_in) / .8796
- ``zeros``, ``ones``

The truncated normals are cut at two standard deviations, as Keras cuts them;
dividing by .87962566103423978 (the standard deviation of a standard normal
cut at +-2) makes the samples' standard deviation the untruncated formula.
"""
import math

import torch

from ._registry import Registry

REGISTRY = Registry("initializer")

# The standard deviation of a standard normal truncated to [-2, 2] (Keras's constant).
TRUNCATED_STDDEV = 0.87962566103423978


def compute_fans(shape):
    """``(fan_in, fan_out)`` of a weight shape, as Keras computes them.

    A Dense kernel ``(in, out)`` has fan_in = in and fan_out = out; a vector has
    both equal to its length; larger shapes are convolution kernels
    ``(..., in, out)`` whose spatial size multiplies both.
    """
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def _shape(shape):
    return (int(shape),) if isinstance(shape, int) else tuple(int(d) for d in shape)


def _uniform(shape, limit, device, dtype):
    return torch.empty(shape, device=device, dtype=dtype).uniform_(-limit, limit)


def _truncated_normal(shape, stddev, device, dtype):
    # erfinv, which trunc_normal_ uses, has no half-precision kernel on every
    # device: draw in float32 there and cast.
    draw_dtype = dtype if dtype in (torch.float32, torch.float64) else torch.float32
    sample = torch.empty(shape, device=device, dtype=draw_dtype)
    torch.nn.init.trunc_normal_(sample, mean=0.0, std=stddev, a=-2 * stddev, b=2 * stddev)
    return sample.to(dtype)


@REGISTRY.register("glorot_uniform", "GlorotUniform")
def glorot_uniform(shape, device=None, dtype=torch.float32):
    """U(-limit, limit) with limit = sqrt(6 / (fan_in + fan_out))."""
    shape = _shape(shape)
    fan_in, fan_out = compute_fans(shape)
    return _uniform(shape, math.sqrt(6 / max(1, fan_in + fan_out)), device, dtype)


@REGISTRY.register("glorot_normal", "GlorotNormal")
def glorot_normal(shape, device=None, dtype=torch.float32):
    """Normal truncated at +-2 stddev, stddev = sqrt(2 / (fan_in + fan_out)) / .8796."""
    shape = _shape(shape)
    fan_in, fan_out = compute_fans(shape)
    return _truncated_normal(shape, math.sqrt(2 / max(1, fan_in + fan_out)) / TRUNCATED_STDDEV, device, dtype)


@REGISTRY.register("he_uniform", "HeUniform")
def he_uniform(shape, device=None, dtype=torch.float32):
    """U(-limit, limit) with limit = sqrt(6 / fan_in)."""
    shape = _shape(shape)
    fan_in, _ = compute_fans(shape)
    return _uniform(shape, math.sqrt(6 / max(1, fan_in)), device, dtype)


@REGISTRY.register("he_normal", "HeNormal")
def he_normal(shape, device=None, dtype=torch.float32):
    """Normal truncated at +-2 stddev, stddev = sqrt(2 / fan_in) / .8796."""
    shape = _shape(shape)
    fan_in, _ = compute_fans(shape)
    return _truncated_normal(shape, math.sqrt(2 / max(1, fan_in)) / TRUNCATED_STDDEV, device, dtype)


@REGISTRY.register("zeros", "Zeros")
def zeros(shape, device=None, dtype=torch.float32):
    """All 0 (Keras's default for biases)."""
    return torch.zeros(_shape(shape), device=device, dtype=dtype)


@REGISTRY.register("ones", "Ones")
def ones(shape, device=None, dtype=torch.float32):
    """All 1."""
    return torch.ones(_shape(shape), device=device, dtype=dtype)


def get(name_or_callable):
    """The initializer called ``name_or_callable``; a callable ``(shape) -> tensor`` passes through."""
    return REGISTRY.get(name_or_callable)
