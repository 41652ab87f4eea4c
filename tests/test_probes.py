"""Probes: one value per epoch in History.history, each checked against a direct computation."""
import functools

import pytest
import torch

import teachnet as tn
from teachnet.layers import Dense
from teachnet.models import Sequential
from teachnet.probes import DeadUnits, EffectiveLearningRate, GradientNorms

torch.manual_seed(0)
X = torch.randn(48, 4)
Y = (X[:, :1] > 0).float()


def _model(optimizer="adam", hidden="relu"):
    model = Sequential([
        Dense(6, activation=hidden, input_shape=(4,)),
        Dense(5, activation="leaky_relu"),
        Dense(3, activation="tanh"),
        Dense(1, activation="sigmoid"),
    ])
    model.compile(loss="binary_crossentropy", optimizer=optimizer)
    return model


def test_dead_units_is_the_fraction_of_units_zero_on_every_probe_row():
    model = _model(optimizer=functools.partial(tn.optim.SGD, lr=0.0))  # weights stay as set
    with torch.no_grad():
        model.layers[0].bias[:2] = -1e4  # units 0 and 1 of the first layer output 0 for any row
        model.layers[1].bias[0] = -1e4  # leaky_relu: negative, not 0, so not dead
    history = model.fit(X, Y, epochs=3, verbose=0, callbacks=[DeadUnits(X.numpy())])
    keys = sorted(k for k in history.history if k.startswith("dead_units/"))
    assert keys == ["dead_units/dense", "dead_units/dense_1"], f"one key per relu/leaky_relu layer, got {keys}"
    x = X.to(model.device)
    with torch.no_grad():
        hidden = model.layers[0](x)
        expected = (hidden == 0).all(dim=0).float().mean().item()
        expected_leaky = (model.layers[1](hidden) == 0).all(dim=0).float().mean().item()
    assert expected >= 2 / 6
    assert history.history["dead_units/dense"] == [expected] * 3
    assert history.history["dead_units/dense_1"] == [expected_leaky] * 3


def test_dead_units_sees_a_leaky_relu_with_its_own_slope():
    leaky = functools.partial(tn.activations.leaky_relu, negative_slope=0.2)  # Keras's slope
    model = Sequential([Dense(6, activation=leaky, input_shape=(4,)), Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", optimizer="sgd")
    history = model.fit(X, Y, epochs=1, verbose=0, callbacks=[DeadUnits(X)])
    assert history.history.get("dead_units/dense") == [0.0], (
        f"a partial of leaky_relu is still a leaky_relu layer; got {sorted(history.history)}"
    )


def test_grad_norms_are_the_kernel_gradients_of_the_epochs_last_batch():
    model = _model(optimizer=functools.partial(tn.optim.SGD, lr=0.0))
    history = model.fit(X, Y, epochs=2, batch_size=20, shuffle=False, verbose=0, callbacks=[GradientNorms()])
    # The last batch holds rows 40-47; with lr = 0 its gradient is that of the unchanged weights.
    model.zero_grad()
    x, y = X[40:].to(model.device), Y[40:].to(model.device)
    tn.losses.binary_crossentropy(y, model(x)).backward()
    for layer in model.layers:
        expected = layer.kernel.grad.norm().item()
        got = history.history[f"grad_norm/{layer.name}"]
        assert got == pytest.approx([expected] * 2, rel=1e-6), f"grad_norm/{layer.name}: got {got}, expected {expected}"


def test_effective_lr_is_the_mean_of_the_optimizers_effective_learning_rates():
    model = _model(optimizer=functools.partial(tn.optim.Adam, lr=0.01))
    history = model.fit(X, Y, epochs=3, verbose=0, callbacks=[EffectiveLearningRate()])
    names = [name for name, _ in model.named_parameters()]
    keys = [k for k in history.history if k.startswith("effective_lr/")]
    assert keys == [f"effective_lr/{name}" for name in names], keys
    for name, rate in zip(names, model.optimizer.effective_learning_rates()):
        series = history.history[f"effective_lr/{name}"]
        assert len(series) == 3
        assert series[-1] == pytest.approx(rate.mean().item(), rel=1e-6), f"effective_lr/{name}"


def test_effective_lr_of_sgd_is_its_learning_rate():
    model = _model(optimizer=functools.partial(tn.optim.SGD, lr=0.05))
    history = model.fit(X, Y, epochs=2, verbose=0, callbacks=[EffectiveLearningRate()])
    for key, series in history.history.items():
        if key.startswith("effective_lr/"):
            assert series == pytest.approx([0.05, 0.05]), f"{key}: {series}"


def test_effective_lr_needs_a_teachnet_optimizer():
    model = _model()
    model.compile(loss="binary_crossentropy", optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    with pytest.raises(TypeError, match="needs a teachnet optimizer"):
        model.fit(X, Y, verbose=0, callbacks=[EffectiveLearningRate()])
