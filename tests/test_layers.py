"""Dense and DenseFunction against torch's F.linear (with the transposed weight), building, config, errors."""
import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import teachnet as tn
from teachnet.layers import Dense, DenseFunction


def dense_and_linear_grads(x, weight, bias):
    """Outputs and gradients of DenseFunction and of F.linear(x, weight.T, bias) for the same upstream gradient."""
    results = []
    g = None
    for op in (DenseFunction.apply, lambda x, w, b: F.linear(x, w.T, b)):
        leaves = [t.detach().requires_grad_(True) if t is not None else None for t in (x, weight, bias)]
        y = op(*leaves)
        g = torch.randn_like(y) if g is None else g
        (y * g).sum().backward()
        results.append((y.detach(), *[t.grad if t is not None else None for t in leaves]))
    return results


@pytest.mark.parametrize("x_shape", [(5, 4), (2, 3, 4), (4,)], ids=["2d", "3d", "1d"])
@pytest.mark.parametrize("use_bias", [True, False])
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64])
def test_dense_function_matches_linear(x_shape, use_bias, dtype, device):
    x = torch.randn(*x_shape, dtype=dtype, device=device)
    weight = torch.randn(4, 3, dtype=dtype, device=device)
    bias = torch.randn(3, dtype=dtype, device=device) if use_bias else None
    ours, reference = dense_and_linear_grads(x, weight, bias)
    for what, a, b in zip(["output", "grad x", "grad weight", "grad bias"], ours, reference):
        if b is None:
            assert a is None, f"DenseFunction gives a {what} where there is no bias"
            continue
        torch.testing.assert_close(a, b, msg=lambda m: f"DenseFunction {what} differs from F.linear for x {x_shape}\n{m}")


@pytest.mark.parametrize("x_shape", [(3, 4), (2, 2, 4)])
def test_dense_function_gradcheck(x_shape, device):
    x = torch.randn(*x_shape, dtype=torch.float64, device=device, requires_grad=True)
    weight = torch.randn(4, 3, dtype=torch.float64, device=device, requires_grad=True)
    bias = torch.randn(3, dtype=torch.float64, device=device, requires_grad=True)
    assert torch.autograd.gradcheck(DenseFunction.apply, (x, weight, bias)), "DenseFunction fails gradcheck"
    assert torch.autograd.gradcheck(lambda x, w: DenseFunction.apply(x, w, None), (x, weight)), \
        "DenseFunction without bias fails gradcheck"


def test_dense_function_skips_gradients_not_needed(device):
    x = torch.randn(5, 4, device=device)  # data: no gradient wanted
    weight = torch.randn(4, 3, device=device, requires_grad=True)
    y = DenseFunction.apply(x, weight, None)
    grads = DenseFunction.backward(y.grad_fn, torch.ones_like(y))
    assert grads[0] is None, "DenseFunction computed a gradient for an input that does not need one"
    assert grads[2] is None, "DenseFunction computed a gradient for a missing bias"
    torch.testing.assert_close(grads[1], x.T @ torch.ones_like(y))


def test_dense_matches_linear_then_activation(device):
    layer = Dense(3, activation="relu")
    x = torch.randn(6, 4, device=device, requires_grad=True)
    y = layer(x)
    y.sum().backward()
    kernel = layer.kernel.detach().clone().requires_grad_(True)
    bias = layer.bias.detach().clone().requires_grad_(True)
    x_ref = x.detach().clone().requires_grad_(True)
    y_ref = torch.relu(F.linear(x_ref, kernel.T, bias))
    y_ref.sum().backward()
    torch.testing.assert_close(y, y_ref, msg=lambda m: f"Dense(relu) output differs from relu(F.linear)\n{m}")
    for name, ours, ref in [("x", x.grad, x_ref.grad), ("kernel", layer.kernel.grad, kernel.grad),
                            ("bias", layer.bias.grad, bias.grad)]:
        torch.testing.assert_close(ours, ref, msg=lambda m: f"Dense gradient of {name} differs from F.linear's\n{m}")


def test_lazy_build_from_the_first_batch(device):
    layer = Dense(3)
    assert not layer.built and layer.kernel is None and layer.in_features is None
    assert list(layer.parameters()) == []
    x = torch.randn(2, 7, dtype=torch.float64, device=device)
    assert layer(x).shape == (2, 3)
    assert layer.built and layer.in_features == 7
    assert layer.kernel.shape == (7, 3) and layer.bias.shape == (3,), "kernel must be (in, units) as in Keras"
    assert layer.kernel.device == x.device and layer.kernel.dtype == torch.float64
    assert [name for name, _ in layer.named_parameters()] == ["kernel", "bias"]
    assert layer.count_params() == 7 * 3 + 3


def test_build_from_input_shape(device):
    layer = Dense(5, input_shape=(4,), use_bias=False)
    assert layer.count_params() == 20, "count_params knows the size from input_shape before building"
    layer.build(device=device)
    assert layer.kernel.shape == (4, 5) and layer.kernel.device.type == device.type
    assert layer.bias is None and layer.count_params() == 20
    assert layer.compute_output_shape((None, 4)) == (None, 5)
    with pytest.raises(ValueError, match="in_features"):
        Dense(2).build()


def test_initialization_is_repeatable_with_the_global_seed(device):
    kernels = []
    for _ in range(2):
        torch.manual_seed(123)
        layer = Dense(4)
        layer.build(3, device=device)
        kernels.append(layer.kernel.detach())
    assert torch.equal(*kernels), "torch.manual_seed does not make Dense's initialization repeatable"


def test_wrong_input_size_names_the_layer_and_both_sizes(device):
    layer = Dense(3, name="dense_1")
    layer(torch.randn(2, 4, device=device))
    with pytest.raises(ValueError, match=r"'dense_1' expects 4 input features, got 6"):
        layer(torch.randn(2, 6, device=device))


def test_non_tensor_or_0d_input_is_a_clear_error():
    layer = Dense(3, name="dense")
    with pytest.raises(TypeError, match="input of Dense layer 'dense' must be a torch.Tensor"):
        layer("abc")
    with pytest.raises(ValueError, match="0-d"):
        layer(torch.tensor(1.0))


@pytest.mark.parametrize("units", [0, -2, 2.5, "3", True, None])
def test_units_must_be_a_positive_integer(units):
    with pytest.raises(ValueError, match="units must be a positive integer"):
        Dense(units)


def test_user_initializer_callables_are_placed_and_checked(device):
    layer = Dense(2, kernel_initializer=lambda shape: np.full(shape, 0.5), bias_initializer=torch.ones)
    layer.build(3, device=device)
    assert layer.kernel.dtype == torch.float32 and layer.kernel.device.type == device.type
    assert torch.all(layer.kernel == 0.5) and torch.all(layer.bias == 1)
    with pytest.raises(ValueError, match=r"kernel_initializer .* returned shape \(2, 3\), expected \(3, 2\)"):
        Dense(2, kernel_initializer=lambda shape: torch.zeros(2, 3)).build(3, device=device)


def test_get_config_round_trip():
    layer = Dense(8, activation="tanh", input_shape=(3,), use_bias=False,
                  kernel_initializer="he_normal", bias_initializer="ones", name="hidden")
    config = layer.get_config()
    assert json.loads(json.dumps(config)) == config, "get_config must be JSON-able"
    assert config == {"name": "hidden", "units": 8, "activation": "tanh", "use_bias": False,
                      "kernel_initializer": "he_normal", "bias_initializer": "ones", "input_shape": [3]}
    clone = Dense.from_config(config)
    assert clone.get_config() == config
    assert clone.activation is tn.activations.tanh and clone.kernel_initializer is tn.initializers.he_normal
    assert Dense(2).get_config()["activation"] == "linear"


def test_config_of_custom_objects_needs_custom_objects():
    def swish(x):
        return x * tn.activations.sigmoid(x)

    config = Dense(2, activation=swish).get_config()
    assert config["activation"] == "swish"
    assert Dense.from_config(config, custom_objects={"swish": swish}).activation is swish
    with pytest.raises(ValueError, match="swish"):
        Dense.from_config(config)


def test_a_kernel_assigned_from_outside_is_adopted(device):
    layer = Dense(2, use_bias=False, name="loaded")
    layer.kernel = torch.nn.Parameter(torch.ones(4, 2, device=device))
    torch.testing.assert_close(layer(torch.ones(1, 4, device=device)), torch.full((1, 2), 4.0, device=device))
    assert layer.in_features == 4
    with pytest.raises(ValueError, match="'loaded' expects 4 input features, got 3"):
        layer(torch.ones(1, 3, device=device))
