"""Each metric against its definition (NumPy) and against Keras's metric functions."""
import keras
import numpy as np
import pytest
import torch

import teachnet as tn
from teachnet import metrics

RNG = np.random.default_rng(0)
N = 50


def _close(got, expected, what):
    assert abs(float(got) - float(expected)) < 1e-6, f"{what}: got {float(got)}, expected {float(expected)}"


def test_binary_accuracy_is_the_fraction_above_threshold_that_matches(device):
    y_true = RNG.integers(0, 2, size=(N, 1)).astype(np.float32)
    y_pred = RNG.random((N, 1)).astype(np.float32)
    y_pred[:3] = 0.5  # exactly at the threshold counts as 0 (Keras: y_pred > threshold)
    expected = np.mean((y_pred > 0.5).astype(np.float32) == y_true)
    got = metrics.binary_accuracy(torch.tensor(y_true), torch.tensor(y_pred, device=device))
    _close(got, expected, "binary_accuracy vs its definition")
    _close(got, keras.ops.mean(keras.metrics.binary_accuracy(y_true, y_pred)), "binary_accuracy vs Keras")
    # y_true of shape (n,) against y_pred (n, 1) is aligned as the losses align it
    _close(metrics.binary_accuracy(torch.tensor(y_true[:, 0]), torch.tensor(y_pred)), expected, "(n,) y_true")


def test_categorical_accuracy_compares_argmaxes():
    y_true = np.eye(4, dtype=np.float32)[RNG.integers(0, 4, size=N)]
    y_pred = RNG.random((N, 4)).astype(np.float32)
    expected = np.mean(y_pred.argmax(-1) == y_true.argmax(-1))
    got = metrics.categorical_accuracy(torch.tensor(y_true), torch.tensor(y_pred))
    _close(got, expected, "categorical_accuracy vs its definition")
    _close(got, keras.ops.mean(keras.metrics.categorical_accuracy(y_true, y_pred)), "categorical_accuracy vs Keras")


@pytest.mark.parametrize("shape", [(N,), (N, 1)])
@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.float32])
def test_sparse_categorical_accuracy_compares_argmax_with_labels(shape, dtype):
    labels = RNG.integers(0, 3, size=N)
    y_pred = RNG.random((N, 3)).astype(np.float32)
    expected = np.mean(y_pred.argmax(-1) == labels)
    got = metrics.sparse_categorical_accuracy(torch.tensor(labels.reshape(shape).astype(dtype)), torch.tensor(y_pred))
    _close(got, expected, f"sparse_categorical_accuracy with labels {shape} {dtype.__name__}")


@pytest.mark.parametrize("name, definition", [
    ("mae", lambda t, p: np.mean(np.abs(p - t))),
    ("mean_absolute_error", lambda t, p: np.mean(np.abs(p - t))),
    ("mse", lambda t, p: np.mean((p - t) ** 2)),
    ("mean_squared_error", lambda t, p: np.mean((p - t) ** 2)),
])
def test_mae_and_mse_follow_their_definitions(name, definition):
    y_true = RNG.normal(size=(N, 2)).astype(np.float32)
    y_pred = RNG.normal(size=(N, 2)).astype(np.float32)
    got = metrics.get(name)(torch.tensor(y_true), torch.tensor(y_pred))
    _close(got, definition(y_true, y_pred), name)


@pytest.mark.parametrize("loss, y_true_shape, y_pred_shape, expected", [
    ("binary_crossentropy", (N, 1), (N, 1), metrics.binary_accuracy),
    ("categorical_crossentropy", (N, 3), (N, 3), metrics.categorical_accuracy),
    ("sparse_categorical_crossentropy", (N,), (N, 3), metrics.sparse_categorical_accuracy),
    # losses that don't say: Keras 3's rule from the shapes
    ("mean_squared_error", (N, 1), (N, 1), metrics.binary_accuracy),
    ("hinge", (N,), (N, 1), metrics.binary_accuracy),
    ("mean_squared_error", (N,), (N, 4), metrics.sparse_categorical_accuracy),
    ("mean_squared_error", (N, 1), (N, 4), metrics.sparse_categorical_accuracy),
    ("mean_squared_error", (N, 4), (N, 4), metrics.categorical_accuracy),
])
def test_accuracy_is_chosen_from_the_loss_then_the_shapes(loss, y_true_shape, y_pred_shape, expected):
    for name in ("accuracy", "acc", "Accuracy"):
        got = metrics.get(name, loss, y_true_shape, y_pred_shape)
        assert got is expected, (
            f"{name!r} with loss {loss} and shapes {y_true_shape}/{y_pred_shape}: got {got.__name__}, "
            f"expected {expected.__name__}"
        )


def test_metric_keys_are_the_names_given_as_in_keras():
    assert metrics.name_of("acc") == "acc" and metrics.name_of("mae") == "mae"
    assert metrics.name_of(metrics.binary_accuracy) == "binary_accuracy"

    def my_metric(y_true, y_pred):
        return y_pred.mean()

    assert metrics.name_of(my_metric) == "my_metric"


def test_an_unknown_metric_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown metric 'f1'.*binary_accuracy.*mae.*accuracy"):
        metrics.check("f1")
    model = tn.Sequential([tn.layers.Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match="unknown metric 'precision'"):
        model.compile(loss="mse", metrics=["precision"])
