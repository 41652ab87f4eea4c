"""The Dense layer: an affine map ``x @ W + b`` (its own autograd Function), then an activation.

The kernel is stored as Keras stores it, ``(in_features, units)``, so that
``x @ kernel`` reads like the course's formula (torch's ``nn.Linear`` keeps the
transpose). Weights are built lazily: from ``input_shape`` when given, else
from the first batch the layer sees.
"""
import numbers

import torch

from . import activations, initializers
from ._inputs import as_tensor, check_tensor, positive_int
from .device import get_device


class DenseFunction(torch.autograd.Function):
    """y = x @ W + b;   dL/dx = g @ W^T,   dL/dW = x^T @ g,   dL/db = sum of g over all rows.

    For x with more than two dimensions, the leading ones are rows of the batch:
    they are flattened for dL/dW and summed over for dL/db.
    """

    @staticmethod
    def forward(ctx, x, weight, bias):
        ctx.save_for_backward(x, weight)
        if bias is not None and x.dim() == 2:
            # addmm computes bias + x @ weight in one kernel, as nn.Linear does.
            return torch.addmm(bias, x, weight)
        y = x @ weight
        return y if bias is None else y + bias

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        grad_x = grad_weight = grad_bias = None
        # Rows of the batch: (..., features) -> (rows, features).
        g = grad_output.reshape(-1, grad_output.shape[-1])
        if ctx.needs_input_grad[0]:
            grad_x = grad_output @ weight.T
        if ctx.needs_input_grad[1]:
            grad_weight = x.reshape(-1, x.shape[-1]).T @ g
        if ctx.needs_input_grad[2]:
            grad_bias = g.sum(0)
        return grad_x, grad_weight, grad_bias


class Dense(torch.nn.Module):
    """A fully connected layer: ``activation(x @ kernel + bias)``, as ``keras.layers.Dense``.

    ``kernel`` is an ``nn.Parameter`` of shape ``(in_features, units)`` and
    ``bias`` one of shape ``(units,)`` (None with ``use_bias=False``); both are
    None until the layer is built.
    """

    def __init__(
        self,
        units,
        activation=None,
        input_shape=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        name=None,
    ):
        super().__init__()
        self.units = positive_int(units, "Dense: units")
        self.activation = activations.get(activation)
        self.activation_name = activations.REGISTRY.label(self.activation)
        if isinstance(input_shape, numbers.Integral):
            input_shape = (input_shape,)
        self.input_shape = None if input_shape is None else tuple(input_shape)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.name = name
        self.in_features = None
        self.register_parameter("kernel", None)
        self.register_parameter("bias", None)

    @property
    def _label(self):
        return f"Dense layer {self.name!r}" if self.name else "Dense layer (unnamed)"

    @property
    def built(self):
        return self.kernel is not None

    def build(self, in_features=None, device=None, dtype=torch.float32):
        """Create ``kernel`` and ``bias`` with the initializers, on ``device`` (default ``tn.get_device()``).

        ``in_features`` defaults to the last entry of ``input_shape``.
        """
        if in_features is None:
            if self.input_shape is None:
                raise ValueError(
                    f"{self._label}: build() needs in_features, or input_shape given to the layer"
                )
            in_features = self.input_shape[-1]
        in_features = positive_int(in_features, f"{self._label}: in_features")
        device = get_device() if device is None else device
        self.kernel = torch.nn.Parameter(
            self._initial_value(self.kernel_initializer, (in_features, self.units), device, dtype, "kernel")
        )
        if self.use_bias:
            self.bias = torch.nn.Parameter(
                self._initial_value(self.bias_initializer, (self.units,), device, dtype, "bias")
            )
        # Set last: forward() takes a known in_features to mean the weights exist.
        self.in_features = in_features

    def _initial_value(self, initializer, shape, device, dtype, what):
        if initializers.REGISTRY.name_of(initializer) is not None:
            return initializer(shape, device=device, dtype=dtype)
        # A user's callable takes only the shape; place and cast what it returns.
        value = as_tensor(initializer(shape), f"{what}_initializer's result").detach()
        if tuple(value.shape) != shape:
            raise ValueError(
                f"{self._label}: {what}_initializer {initializers.REGISTRY.label(initializer)} returned "
                f"shape {tuple(value.shape)}, expected {shape}"
            )
        return value.to(device=device, dtype=dtype).clone()

    def forward(self, x):
        try:
            features = x.shape[-1]
        except (AttributeError, IndexError):
            check_tensor(x, f"input of {self._label}")
            raise ValueError(
                f"{self._label} expects input of shape (..., features), got a 0-d tensor"
            ) from None
        # in_features is a plain attribute; reading a Parameter goes through nn.Module.__getattr__.
        if self.in_features is None:
            if self.kernel is None:
                self.build(features, device=x.device, dtype=x.dtype if x.is_floating_point() else torch.float32)
            else:  # a kernel assigned from outside (e.g. when loading): adopt its size
                self.in_features = self.kernel.shape[0]
        if features != self.in_features:
            raise ValueError(
                f"{self._label} expects {self.in_features} input features, "
                f"got {features} (input shape {tuple(x.shape)})"
            )
        return self.activation(DenseFunction.apply(x, self.kernel, self.bias))

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def count_params(self):
        """The number of weights: ``in_features * units`` plus ``units`` with a bias."""
        in_features = self.in_features
        if in_features is None and self.input_shape is not None:
            in_features = self.input_shape[-1]
        if in_features is None:
            raise ValueError(
                f"{self._label} is not built yet: its number of weights depends on its input size"
            )
        return in_features * self.units + (self.units if self.use_bias else 0)

    def get_config(self):
        """A JSON-able description from which ``Dense.from_config`` rebuilds the layer (without weights)."""
        return {
            "name": self.name,
            "units": self.units,
            "activation": self.activation_name,
            "use_bias": self.use_bias,
            "kernel_initializer": initializers.REGISTRY.label(self.kernel_initializer),
            "bias_initializer": initializers.REGISTRY.label(self.bias_initializer),
            "input_shape": None if self.input_shape is None else list(self.input_shape),
        }

    @classmethod
    def from_config(cls, config, custom_objects=None):
        """The layer ``get_config`` described; names teachnet does not know are looked up in ``custom_objects``."""
        custom_objects = custom_objects or {}

        def resolve(key):
            name = config.get(key)
            return custom_objects.get(name, name) if isinstance(name, str) else name

        return cls(
            units=config["units"],
            activation=resolve("activation"),
            input_shape=config.get("input_shape"),
            use_bias=config.get("use_bias", True),
            kernel_initializer=resolve("kernel_initializer") or "glorot_uniform",
            bias_initializer=resolve("bias_initializer") or "zeros",
            name=config.get("name"),
        )

    def extra_repr(self):
        return (
            f"name={self.name!r}, units={self.units}, activation={self.activation_name}, "
            f"in_features={self.in_features}, use_bias={self.use_bias}"
        )
