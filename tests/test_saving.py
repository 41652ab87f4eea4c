"""save / load_model: exact round trips, atomic writes, and files that must not be trusted."""
import functools
import os
import pickle

import numpy as np
import pytest
import torch

import teachnet as tn
from teachnet.layers import Dense
from teachnet.models import Sequential

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 3)).astype(np.float32)
Y = (X[:, 0] * X[:, 1] > 0).astype(np.float32)


def _trained(optimizer=functools.partial(tn.optim.Adam, lr=0.01), loss="binary_crossentropy", activation="relu"):
    torch.manual_seed(0)
    model = Sequential([Dense(8, activation=activation, input_shape=(3,)), Dense(1, activation="sigmoid")])
    model.compile(loss=loss, optimizer=optimizer, metrics=["accuracy", "mae"])
    model.fit(X, Y, epochs=2, verbose=0, seed=0)
    return model


def _assert_same_parameters(a, b, what):
    for (name, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        assert torch.equal(p, q), f"{what}: {name} differs"


@pytest.mark.parametrize("optimizer", [
    functools.partial(tn.optim.Adam, lr=0.01),
    functools.partial(tn.optim.Adam, lr=0.01, convention="keras"),
    functools.partial(tn.optim.SGD, lr=0.1, momentum=0.9, nesterov=True),
    "rmsprop",
    functools.partial(torch.optim.Adam, lr=0.01),
])
def test_a_loaded_model_predicts_the_same_and_continues_training_exactly(tmp_path, optimizer):
    model = _trained(optimizer)
    path = tmp_path / "model.tn"
    model.save(path)
    loaded = tn.load_model(path)
    assert [layer.name for layer in loaded.layers] == ["dense", "dense_1"]
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.param_groups[0]["lr"] == model.optimizer.param_groups[0]["lr"]
    torch.testing.assert_close(loaded.predict(X), model.predict(X), rtol=0, atol=0, msg="predictions differ after loading")
    assert loaded.evaluate(X, Y) == model.evaluate(X, Y)
    # Training on: the same steps from the same state give the same weights, bit for bit.
    history = model.fit(X, Y, epochs=3, verbose=0, seed=7).history
    loaded_history = loaded.fit(X, Y, epochs=3, verbose=0, seed=7).history
    assert loaded_history == history, "continued training differs after loading"
    _assert_same_parameters(loaded, model, "after continued training")


def test_an_unbuilt_compiled_model_round_trips(tmp_path):
    model = Sequential([Dense(4, activation="tanh"), Dense(1)])
    model.compile(loss="mse", optimizer="sgd")
    model.save(tmp_path / "m")
    loaded = tn.load_model(tmp_path / "m")
    assert not loaded.built and loaded.layers[0].activation_name == "tanh"
    loaded.fit(X, Y, verbose=0)
    assert isinstance(loaded.optimizer, tn.optim.SGD)


def test_save_is_atomic(tmp_path, monkeypatch):
    model = _trained()
    path = tmp_path / "model.tn"
    model.save(path)
    good = path.read_bytes()

    def broken_save(obj, file, *args, **kwargs):
        file.write(b"half a model")
        raise OSError("disk full")

    monkeypatch.setattr(torch, "save", broken_save)
    with pytest.raises(OSError, match="disk full"):
        model.save(path)
    assert path.read_bytes() == good, "a failed save must leave the old file as it was"
    assert os.listdir(tmp_path) == ["model.tn"], f"temporary files left behind: {os.listdir(tmp_path)}"


def test_a_saved_file_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    try:
        _trained().save(tmp_path / "model.tn")
    finally:
        os.umask(umask)
    mode = (tmp_path / "model.tn").stat().st_mode & 0o777
    assert mode == 0o644, f"a saved model should be readable as any new file is (0o644), got {oct(mode)}"


class _RunsACommand:
    """What an attacker would pickle: unpickling it calls os.system."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f"touch {self.marker}",)


@pytest.mark.parametrize("writer", ["pickle", "torch.save"])
def test_a_crafted_pickle_is_refused_and_runs_nothing(tmp_path, writer):
    marker = tmp_path / "pwned"
    path = tmp_path / "model.tn"
    payload = {"format": "teachnet.Sequential", "version": 1, "config": _RunsACommand(marker)}
    if writer == "pickle":
        path.write_bytes(pickle.dumps(payload, protocol=2))
    else:
        torch.save(payload, path)
    with pytest.raises(ValueError, match="refusing to load .*never unpickles arbitrary objects"):
        tn.load_model(path)
    assert not marker.exists(), "loading ran the command hidden in the file"
    # The payload is live: an unrestricted load does run it.
    if writer == "pickle":
        pickle.loads(path.read_bytes())
    else:
        torch.load(path, weights_only=False)
    assert marker.exists(), "the crafted file should run its command when unpickled without restriction"


def test_files_that_are_not_teachnet_models_are_refused(tmp_path):
    other = tmp_path / "weights.pt"
    torch.save({"kernel": torch.zeros(2)}, other)
    with pytest.raises(ValueError, match="not a teachnet model file"):
        tn.load_model(other)
    garbage = tmp_path / "garbage.tn"
    garbage.write_bytes(b"\x00not a model")
    with pytest.raises(ValueError, match="refusing to load"):
        tn.load_model(garbage)
    with pytest.raises(FileNotFoundError):
        tn.load_model(tmp_path / "missing.tn")


def squared_hinge_loss(y_true, y_pred):
    return (torch.clamp(1 - (2 * y_true - 1) * (2 * y_pred - 1), min=0) ** 2).mean()


def swish(x):
    return x * tn.activations.sigmoid(x)


def test_unknown_functions_are_saved_by_name_and_found_in_custom_objects(tmp_path):
    model = _trained(loss=squared_hinge_loss, activation=swish)
    path = tmp_path / "custom.tn"
    model.save(path)
    with pytest.raises(ValueError, match="'swish'.*custom_objects"):
        tn.load_model(path)
    with pytest.raises(ValueError, match="loss 'squared_hinge_loss'.*custom_objects"):
        tn.load_model(path, custom_objects={"swish": swish})
    loaded = tn.load_model(path, custom_objects={"swish": swish, "squared_hinge_loss": squared_hinge_loss})
    assert loaded.loss is squared_hinge_loss and loaded.layers[0].activation is swish
    torch.testing.assert_close(loaded.predict(X), model.predict(X), rtol=0, atol=0)


def test_a_loaded_model_lives_on_teachnets_device(tmp_path, device):
    model = _trained()
    model.save(tmp_path / "m")
    loaded = tn.load_model(tmp_path / "m")
    assert {p.device for p in loaded.parameters()} == {device}
    state = [t for s in loaded.optimizer.state.values() for t in s.values() if torch.is_tensor(t)]
    assert state and {t.device for t in state} == {device}
