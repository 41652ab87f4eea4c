"""tn.losses against Keras (values), torch's own losses (values and gradients),
autograd of float64 formulas written here (gradients), gradcheck, and
hypothesis properties at the extremes (+-1e4 logits, exact 0 and 1 probabilities).
"""
import keras  # conftest has set KERAS_BACKEND=torch
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import teachnet as tn
from teachnet import losses

EPS = 1e-7
PROPERTY = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def close(actual, expected, what, **tolerance):
    actual, expected = torch.as_tensor(actual).detach().cpu(), torch.as_tensor(expected).detach().cpu()
    torch.testing.assert_close(
        actual, expected.to(actual.dtype), **tolerance,
        msg=lambda m: f"{what}: got {actual.tolist()}, expected {expected.tolist()}\n{m}",
    )


def grad_of(loss_fn, y_true, y_pred, **kwargs):
    """(loss, d loss / d y_pred) for a fresh leaf copy of y_pred."""
    y_pred = y_pred.detach().clone().requires_grad_(True)
    loss = loss_fn(y_true, y_pred, **kwargs)
    loss.backward()
    return loss.detach(), y_pred.grad


# Reference formulas written out here, differentiated by autograd (never the code under test).
def clipped_bce(t, p):
    q = torch.clamp(p, EPS, 1 - EPS)
    return -(t * torch.log(q) + (1 - t) * torch.log(1 - q)).mean()


def clipped_cce(t, p):
    q = torch.clamp(p / p.sum(dim=-1, keepdim=True), EPS, 1 - EPS)
    return -(t * torch.log(q)).sum(dim=-1).mean()


def hinge_formula(t, p):
    t = 2 * t - 1 if bool(((t == 0) | (t == 1)).all()) else t
    return torch.clamp(1 - t * p, min=0).mean()


def one_hot(labels, classes, like):
    return F.one_hot(labels, classes).to(like)


def keras_mean(fn, y_true, y_pred, **kwargs):
    """Keras's per-sample loss, averaged over the batch, on the CPU."""
    return fn(y_true.cpu(), y_pred.detach().cpu(), **kwargs).mean()


def data(kind, device, shape=(8, 3), dtype=torch.float32):
    """(y_true, y_pred) typical for a loss kind."""
    n, k = shape
    if kind == "regression":
        return torch.randn(shape, device=device, dtype=dtype), torch.randn(shape, device=device, dtype=dtype)
    if kind == "binary":
        y_true = torch.randint(0, 2, shape, device=device).to(dtype)
        return y_true, torch.rand(shape, device=device, dtype=dtype) * 0.98 + 0.01
    if kind == "logits":
        return torch.randint(0, 2, shape, device=device).to(dtype), 3 * torch.randn(shape, device=device, dtype=dtype)
    labels = torch.randint(0, k, (n,), device=device)
    if kind == "labels":
        return labels, torch.rand(shape, device=device, dtype=dtype) * 0.98 + 0.01
    if kind == "label_logits":
        return labels, 3 * torch.randn(shape, device=device, dtype=dtype)
    raise ValueError(kind)


# name, teachnet loss, kwargs, keras loss, kind of data
CASES = [
    ("mae", losses.mean_absolute_error, {}, keras.losses.mean_absolute_error, "regression"),
    ("mse", losses.mean_squared_error, {}, keras.losses.mean_squared_error, "regression"),
    ("hinge", losses.hinge, {}, keras.losses.hinge, "binary"),
    ("bce", losses.binary_crossentropy, {}, keras.losses.binary_crossentropy, "binary"),
    ("bce_logits", losses.binary_crossentropy, {"from_logits": True}, keras.losses.binary_crossentropy, "logits"),
    ("cce", losses.categorical_crossentropy, {}, keras.losses.categorical_crossentropy, "binary"),
    ("cce_logits", losses.categorical_crossentropy, {"from_logits": True}, keras.losses.categorical_crossentropy, "logits"),
    ("scce", losses.sparse_categorical_crossentropy, {}, keras.losses.sparse_categorical_crossentropy, "labels"),
    ("scce_logits", losses.sparse_categorical_crossentropy, {"from_logits": True},
     keras.losses.sparse_categorical_crossentropy, "label_logits"),
]
CASE_IDS = [case[0] for case in CASES]


def case_data(name, kind, device, shape=(8, 3), dtype=torch.float32):
    y_true, y_pred = data(kind, device, shape, dtype)
    if name.startswith("cce"):  # one-hot rows
        y_true = one_hot(torch.randint(0, shape[1], (shape[0],), device=device), shape[1], y_pred)
    return y_true, y_pred


# ---------------------------------------------------------------- values against Keras

@pytest.mark.parametrize("name, loss, kwargs, keras_loss, kind", CASES, ids=CASE_IDS)
@pytest.mark.parametrize("shape", [(8, 3), (5, 1)])
def test_value_matches_keras(device, name, loss, kwargs, keras_loss, kind, shape):
    if "cce" in name and shape[1] == 1:
        shape = (5, 2)  # a single class is meaningless for the categorical losses
    y_true, y_pred = case_data(name, kind, device, shape)
    got = loss(y_true, y_pred, **kwargs)
    assert got.dim() == 0, f"{name} must return a 0-d tensor, got shape {tuple(got.shape)}"
    assert got.device == y_pred.device, f"{name} result on {got.device}, y_pred on {y_pred.device}"
    close(got, keras_mean(keras_loss, y_true, y_pred, **kwargs), f"{name} on {shape} vs keras.losses",
          rtol=1e-5, atol=1e-6)


def test_probabilities_at_exact_0_and_1_match_keras_clipping(device):
    # Every combination of target 0/1 and probability 0, 1, at and around the float32 clip edges.
    p = torch.tensor([0.0, 1.0, 1e-7, 1 - 1e-7, 1e-8, 1 - 1e-8, 0.5, 1.0, 0.0], device=device)
    t = torch.tensor([1.0, 0.0, 1.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0], device=device)
    close(losses.binary_crossentropy(t, p), keras_mean(keras.losses.binary_crossentropy, t, p),
          "binary_crossentropy at exact 0/1 probabilities vs Keras", rtol=1e-6, atol=1e-6)
    # Class probabilities with exact zeros and ones, and rows that do not sum to 1.
    p = torch.tensor([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 2.0], [0.2, 0.3, 0.1]], device=device)
    labels = torch.tensor([0, 0, 1, 2], device=device)
    t = one_hot(labels, 3, p)
    expected = keras_mean(keras.losses.categorical_crossentropy, t, p)
    close(losses.categorical_crossentropy(t, p), expected,
          "categorical_crossentropy at exact 0/1 probabilities vs Keras", rtol=1e-6, atol=1e-6)
    close(losses.sparse_categorical_crossentropy(labels, p), expected,
          "sparse_categorical_crossentropy at exact 0/1 probabilities vs Keras", rtol=1e-6, atol=1e-6)


def test_float32_clip_rounds_like_keras(device):
    # In float32, 1 - 1e-7 rounds to 1 - 1.19e-7: the loss of p = 1 against t = 0 is -log(1.19e-7).
    p = torch.ones(4, 1, device=device)
    t = torch.zeros(4, 1, device=device)
    expected = -np.log(np.float64(1) - np.float64(np.float32(1 - 1e-7)))
    close(losses.binary_crossentropy(t, p), torch.tensor(expected, dtype=torch.float32),
          "binary_crossentropy(0, 1.0) in float32 (clip at float32 1 - eps)", rtol=1e-5, atol=0)
    close(losses.binary_crossentropy(t, p), keras_mean(keras.losses.binary_crossentropy, t, p),
          "binary_crossentropy(0, 1.0) in float32 vs Keras", rtol=1e-6, atol=0)


@pytest.mark.parametrize("name, loss, keras_loss", [
    ("bce", losses.binary_crossentropy, keras.losses.binary_crossentropy),
    ("cce", losses.categorical_crossentropy, keras.losses.categorical_crossentropy),
])
def test_huge_logits_match_keras_and_stay_finite(device, name, loss, keras_loss):
    x = torch.tensor([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0], [1e4, 1e4, -1e4]], device=device)
    t = torch.tensor([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], device=device)
    got, grad = grad_of(loss, t, x, from_logits=True)
    assert torch.isfinite(got), f"{name} from_logits at +-1e4 is {got.item()}"
    assert torch.isfinite(grad).all(), f"{name} from_logits gradient at +-1e4: {grad.tolist()}"
    close(got, keras_mean(keras_loss, t, x, from_logits=True), f"{name} from_logits at +-1e4 vs Keras",
          rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("labels", [
    [0.0, 1.0, 1.0, 0.0],  # 0/1, converted to -1/+1
    [-1.0, 1.0, 1.0, -1.0],
    [0.5, -1.0, 1.0, 0.0],  # not binary: used as given
])
def test_hinge_labels_as_keras_converts_them(device, labels):
    t = torch.tensor(labels, device=device)
    p = torch.tensor([0.3, -0.4, 2.0, -1.5], device=device)
    close(losses.hinge(t, p), keras_mean(keras.losses.hinge, t, p), f"hinge with labels {labels} vs Keras")


def test_targets_n_against_n_by_1_align_as_keras(device):
    y_pred = torch.rand(6, 1, device=device)
    y_true = torch.randint(0, 2, (6,), device=device).float()
    for name, keras_class in [("mean_squared_error", keras.losses.MeanSquaredError),
                              ("mean_absolute_error", keras.losses.MeanAbsoluteError),
                              ("binary_crossentropy", keras.losses.BinaryCrossentropy)]:
        expected = keras_class()(y_true.cpu(), y_pred.cpu())
        close(losses.get(name)(y_true, y_pred), expected, f"{name} of (6,) targets against (6, 1) vs Keras")
        close(losses.get(name)(y_true.unsqueeze(1), y_pred.squeeze(1)), expected,
              f"{name} of (6, 1) targets against (6,) vs Keras")


def test_sparse_labels_of_any_integer_dtype_and_shape(device):
    y_pred = torch.rand(5, 4, device=device)
    labels = torch.tensor([0, 3, 1, 2, 3], device=device)
    expected = keras_mean(keras.losses.sparse_categorical_crossentropy, labels, y_pred)
    variants = {dtype: labels.to(dtype) for dtype in
                (torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.float32, torch.float64)}
    variants["(n, 1)"] = labels.unsqueeze(1)
    variants["numpy"] = labels.cpu().numpy()
    variants["list"] = labels.tolist()
    for what, y_true in variants.items():
        close(losses.sparse_categorical_crossentropy(y_true, y_pred), expected,
              f"sparse_categorical_crossentropy with labels as {what} vs Keras")


def test_y_true_as_numpy_list_int_and_bool(device):
    y_pred = torch.rand(4, 2, device=device)
    y_true = np.array([[0, 1], [1, 1], [0, 0], [1, 0]])
    expected = keras_mean(keras.losses.binary_crossentropy, torch.tensor(y_true, dtype=torch.float32), y_pred)
    for what, given_true in [("int numpy", y_true), ("float64 numpy", y_true.astype(np.float64)),
                             ("list", y_true.tolist()), ("bool tensor", torch.tensor(y_true, dtype=torch.bool)),
                             ("int tensor", torch.tensor(y_true, device=device))]:
        got = losses.binary_crossentropy(given_true, y_pred)
        assert got.dtype == y_pred.dtype, f"binary_crossentropy with y_true as {what} gave dtype {got.dtype}"
        close(got, expected, f"binary_crossentropy with y_true as {what} vs Keras")


# ---------------------------------------------------------------- against torch's own losses

@pytest.mark.parametrize("name, loss, reference, kind", [
    ("mse", losses.mean_squared_error, lambda t, p: F.mse_loss(p, t), "regression"),
    ("mae", losses.mean_absolute_error, lambda t, p: F.l1_loss(p, t), "regression"),
    ("bce_logits", lambda t, p: losses.binary_crossentropy(t, p, from_logits=True),
     lambda t, p: F.binary_cross_entropy_with_logits(p, t), "logits"),
    ("cce_logits_soft", lambda t, p: losses.categorical_crossentropy(t, p, from_logits=True),
     lambda t, p: F.cross_entropy(p, t), "soft"),
    ("scce_logits", lambda t, p: losses.sparse_categorical_crossentropy(t, p, from_logits=True),
     lambda t, p: F.cross_entropy(p, t), "label_logits"),
])
def test_value_and_gradient_match_torch(device, name, loss, reference, kind):
    if kind == "soft":  # soft targets exercise the sum(t) factor in the logits gradient
        y_true = torch.rand(8, 3, device=device, dtype=torch.float64) * 2
        y_pred = 3 * torch.randn(8, 3, device=device, dtype=torch.float64)
    else:
        y_true, y_pred = data(kind, device, dtype=torch.float64)
    got, grad = grad_of(loss, y_true, y_pred)
    expected, expected_grad = grad_of(reference, y_true, y_pred)
    close(got, expected, f"{name} value vs torch")
    close(grad, expected_grad, f"{name} gradient vs torch autograd")


# ---------------------------------------------------------------- gradients against float64 formulas

def test_bce_gradient_is_that_of_the_clipped_loss(device):
    p = torch.tensor([0.0, 1.0, 1e-9, 1 - 1e-9, 0.3, 0.9, 1e-7, 1 - 1e-7, 1e-3], device=device, dtype=torch.float64)
    t = torch.tensor([1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 1.0, 0.0, 0.0], device=device, dtype=torch.float64)
    got, grad = grad_of(losses.binary_crossentropy, t, p)
    expected, expected_grad = grad_of(clipped_bce, t, p)
    close(got, expected, "clipped binary_crossentropy (float64) vs the formula")
    close(grad, expected_grad, "clipped binary_crossentropy gradient vs autograd of the formula")
    outside = (p < EPS) | (p > 1 - EPS)
    assert (grad[outside] == 0).all(), f"gradient outside the clip range must be 0, got {grad[outside].tolist()}"


def test_categorical_gradient_includes_the_normalisation(device):
    # Rows that do not sum to 1, one with an exact 0 (clipped) and an exact 1 after normalising.
    p = torch.tensor([[0.2, 0.5, 0.9], [0.0, 0.7, 0.3], [0.0, 0.0, 4.0], [3.0, 1.0, 2.0]],
                     device=device, dtype=torch.float64)
    labels = torch.tensor([1, 0, 2, 2], device=device)
    t = one_hot(labels, 3, p)
    expected, expected_grad = grad_of(clipped_cce, t, p)
    for name, loss, y_true in [("categorical", losses.categorical_crossentropy, t),
                               ("sparse_categorical", losses.sparse_categorical_crossentropy, labels)]:
        got, grad = grad_of(loss, y_true, p)
        close(got, expected, f"{name}_crossentropy (float64) vs the normalise-then-clip formula")
        close(grad, expected_grad, f"{name}_crossentropy gradient vs autograd of the formula")


def test_hinge_and_mae_gradients_match_formulas(device):
    t = torch.tensor([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], device=device, dtype=torch.float64)
    p = torch.tensor([[0.3, -2.0], [0.5, -1.7], [1.5, 0.2]], device=device, dtype=torch.float64)
    got, grad = grad_of(losses.hinge, t, p)
    expected, expected_grad = grad_of(hinge_formula, t, p)
    close(got, expected, "hinge vs the formula")
    close(grad, expected_grad, "hinge gradient vs autograd of the formula")
    got, grad = grad_of(losses.mean_absolute_error, t, p)
    expected, expected_grad = grad_of(lambda a, b: (b - a).abs().mean(), t, p)
    close(grad, expected_grad, "mean_absolute_error gradient vs autograd of |p - t|")


def test_gradient_scales_with_upstream_gradient(device):
    t, p = data("binary", device, dtype=torch.float64)
    _, grad = grad_of(lambda a, b: 3.0 * losses.binary_crossentropy(a, b), t, p)
    _, expected_grad = grad_of(lambda a, b: 3.0 * clipped_bce(a, b), t, p)
    close(grad, expected_grad, "3 * binary_crossentropy gradient (upstream gradient 3)")


@pytest.mark.parametrize("name, loss, kwargs, keras_loss, kind", CASES, ids=CASE_IDS)
def test_gradcheck_float64(device, name, loss, kwargs, keras_loss, kind):
    y_true, y_pred = case_data(name, kind, device, (4, 3), torch.float64)
    if name in ("mae", "hinge"):  # keep away from the kinks |p - t| = 0 and t p = 1
        y_pred = torch.where((y_pred - y_true).abs() < 0.1, y_pred + 0.3, y_pred)
        y_pred = torch.where(((2 * y_true - 1) * y_pred - 1).abs() < 0.1, y_pred + 0.3, y_pred)
    y_pred = y_pred.detach().requires_grad_(True)
    assert torch.autograd.gradcheck(lambda p: loss(y_true, p, **kwargs), (y_pred,)), f"{name} gradcheck"


# ---------------------------------------------------------------- properties at the extremes

DTYPES = st.sampled_from([torch.float32, torch.float64])
SHAPES = hnp.array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5)


def strided(array, dtype, device):
    """A non-contiguous tensor holding ``array`` (every other column of a wider tensor)."""
    wide = torch.zeros(array.shape + (2,), dtype=dtype, device=device)
    wide[..., 0] = torch.as_tensor(array, dtype=dtype, device=device)
    return wide[..., 0]


@PROPERTY
@given(dtype=DTYPES, shape=SHAPES, seed=st.integers(0, 2**16), data_=st.data())
def test_probability_losses_finite_and_zero_gradient_outside_clip(device, dtype, shape, seed, data_):
    probabilities = data_.draw(hnp.arrays(np.float64, shape, elements=st.one_of(
        st.sampled_from([0.0, 1.0, 1e-12, 1 - 1e-12]), st.floats(0, 1))), label="p")
    rng = np.random.default_rng(seed)
    targets = rng.integers(0, 2, shape).astype(np.float64)
    p = strided(probabilities, dtype, device)
    t = torch.as_tensor(targets, dtype=dtype, device=device)
    got, grad = grad_of(losses.binary_crossentropy, t, p)
    assert torch.isfinite(got) and torch.isfinite(grad).all(), f"bce not finite: {got}, {grad}"
    eps = torch.tensor(EPS, dtype=dtype)
    outside = ((p < eps) | (p > 1 - eps)).cpu()
    assert (grad.cpu()[outside] == 0).all(), f"bce gradient outside the clip range: {grad.cpu()[outside]}"
    # Categorical: rows with a sum well above 0. The normalisation p / sum(p) has a
    # gradient of order 1 / sum(p), which for a row of subnormals (5e-324) is
    # beyond the float range: the math itself is not finite there.
    p_rows = p + (p.sum(dim=-1, keepdim=True) < 1e-6).to(dtype)
    labels = torch.as_tensor(rng.integers(0, shape[-1], shape[:-1]), device=device)
    for name, y_true in [("categorical", one_hot(labels, shape[-1], p)), ("sparse", labels)]:
        loss = losses.get(f"{name}_crossentropy" if name == "categorical" else "sparse_categorical_crossentropy")
        got, grad = grad_of(loss, y_true, p_rows)
        assert torch.isfinite(got) and torch.isfinite(grad).all(), f"{name} not finite at p={p_rows}: {got}, {grad}"


@PROPERTY
@given(dtype=DTYPES, shape=SHAPES, seed=st.integers(0, 2**16), data_=st.data())
def test_logit_losses_finite_at_huge_logits(device, dtype, shape, seed, data_):
    logits = data_.draw(hnp.arrays(np.float64, shape, elements=st.one_of(
        st.sampled_from([1e4, -1e4, 0.0]), st.floats(-1e4, 1e4))), label="x")
    rng = np.random.default_rng(seed)
    x = strided(logits, dtype, device)
    t = torch.as_tensor(rng.integers(0, 2, shape), dtype=dtype, device=device)
    labels = torch.as_tensor(rng.integers(0, shape[-1], shape[:-1]), device=device)
    for name, loss, y_true, reference in [
        ("bce", losses.binary_crossentropy, t, lambda a, b: F.binary_cross_entropy_with_logits(b, a)),
        ("cce", losses.categorical_crossentropy, one_hot(labels, shape[-1], x), None),
        ("scce", losses.sparse_categorical_crossentropy, labels, None),
    ]:
        got, grad = grad_of(loss, y_true, x, from_logits=True)
        assert torch.isfinite(got) and torch.isfinite(grad).all(), f"{name} from_logits not finite: {got}, {grad}"
        if reference is not None:
            expected, expected_grad = grad_of(reference, y_true, x)
            close(got, expected, f"{name} from_logits vs torch at {logits.tolist()}")
            close(grad, expected_grad, f"{name} from_logits gradient vs torch")
    # Softmax gradients sum to 0 per row (softmax - one-hot).
    _, grad = grad_of(losses.sparse_categorical_crossentropy, labels, x, from_logits=True)
    close(grad.sum(dim=-1), torch.zeros(shape[:-1], dtype=dtype), "scce logits gradient row sums",
          atol=1e-6, rtol=0)


@PROPERTY
@given(dtype=DTYPES, shape=SHAPES, data_=st.data())
def test_regression_losses_match_torch_on_random_shapes(device, dtype, shape, data_):
    values = hnp.arrays(np.float64, shape, elements=st.floats(-1e4, 1e4))
    t = strided(data_.draw(values, label="t"), dtype, device)
    p = strided(data_.draw(values, label="p"), dtype, device)
    close(losses.mse(t, p), F.mse_loss(p, t), "mse vs F.mse_loss", rtol=1e-5, atol=1e-5)
    close(losses.mae(t, p), F.l1_loss(p, t), "mae vs F.l1_loss", rtol=1e-5, atol=1e-5)
    hinge_value = losses.hinge(t, p)
    assert torch.isfinite(hinge_value) and hinge_value >= 0, f"hinge {hinge_value}"


# ---------------------------------------------------------------- the explicit-ops rule

def test_every_loss_works_without_the_reference_ops(device, forbid_reference_ops):
    for name, loss, kwargs, _, kind in CASES:
        y_true, y_pred = case_data(name, kind, device)
        y_pred.requires_grad_(True)
        loss(y_true, y_pred, **kwargs).backward()
        assert y_pred.grad is not None and torch.isfinite(y_pred.grad).all(), f"{name}: no finite gradient"


def test_function_classes_are_autograd_functions():
    for cls in (losses.MeanAbsoluteError, losses.MeanSquaredError, losses.Hinge, losses.BinaryCrossentropy,
                losses.CategoricalCrossentropy, losses.SparseCategoricalCrossentropy):
        assert issubclass(cls, torch.autograd.Function), f"{cls.__name__} is not an autograd Function"
        assert "L =" in cls.__doc__ and "dL/d" in cls.__doc__, f"{cls.__name__} docstring lacks the math"


# ---------------------------------------------------------------- names

def test_keras_names_and_aliases():
    expected = {
        "mae": losses.mean_absolute_error, "MAE": losses.mean_absolute_error,
        "mean_absolute_error": losses.mean_absolute_error,
        "mse": losses.mean_squared_error, "MSE": losses.mean_squared_error,
        "mean_squared_error": losses.mean_squared_error, "hinge": losses.hinge,
        "binary_crossentropy": losses.binary_crossentropy, "bce": losses.binary_crossentropy,
        "categorical_crossentropy": losses.categorical_crossentropy,
        "sparse_categorical_crossentropy": losses.sparse_categorical_crossentropy,
    }
    for name, fn in expected.items():
        assert losses.get(name) is fn, f"losses.get({name!r}) is {losses.get(name)}, expected {fn.__name__}"
        assert losses.REGISTRY.name_of(fn) == fn.__name__, f"name_of({fn.__name__}) is {losses.REGISTRY.name_of(fn)}"
    assert losses.mae is losses.mean_absolute_error and losses.mse is losses.mean_squared_error
    assert tn.losses.get(len) is len, "a callable must pass through get()"


# ---------------------------------------------------------------- bad input

@pytest.mark.parametrize("name", ["mean_squared_error", "mean_absolute_error", "hinge",
                                  "binary_crossentropy", "categorical_crossentropy"])
def test_mismatched_shapes_name_both(device, name):
    with pytest.raises(ValueError, match=r"\(8, 1\).*\(8, 3\)") as info:
        losses.get(name)(torch.zeros(8, 1, device=device), torch.rand(8, 3, device=device))
    assert name in str(info.value), f"the error should name the loss: {info.value}"


@pytest.mark.parametrize("labels, bad", [([0, 3, 1], "3"), ([0, -1, 1], "-1"), ([0.0, 1.5, 2.0], "1.5")])
def test_sparse_label_outside_classes_is_named(device, labels, bad):
    with pytest.raises(ValueError, match=rf"(?<![\d.]){bad}(?![\d.])"):
        losses.sparse_categorical_crossentropy(torch.tensor(labels, device=device), torch.rand(3, 3, device=device))


def test_sparse_label_shape_mismatch(device):
    with pytest.raises(ValueError, match=r"\(4, 2\).*\(4, 3\)"):
        losses.sparse_categorical_crossentropy(torch.zeros(4, 2, dtype=torch.long), torch.rand(4, 3, device=device))


def test_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match="mean_squared_error") as info:
        losses.get("mean_squared_eror")
    assert "mean_squared_eror" in str(info.value) and "sparse_categorical_crossentropy" in str(info.value)


@pytest.mark.parametrize("name", ["mse", "binary_crossentropy", "sparse_categorical_crossentropy"])
def test_y_pred_must_be_a_float_tensor(device, name):
    with pytest.raises(TypeError, match="y_pred.*str"):
        losses.get(name)(torch.zeros(2, 2, device=device), "predictions")
    with pytest.raises(TypeError, match="y_pred.*floating"):
        losses.get(name)(torch.zeros(2, 2, device=device), torch.ones(2, 2, dtype=torch.long, device=device))


def test_y_true_string_is_a_type_error(device):
    with pytest.raises(TypeError, match="y_true"):
        losses.mse("targets", torch.rand(2, 2, device=device))
