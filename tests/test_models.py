"""Sequential: layers and names, compile, fit's semantics (checked against their definitions), bad input."""
import functools
import math

import keras
import numpy as np
import pytest
import torch

import teachnet as tn
from teachnet.layers import Dense
from teachnet.models import Sequential

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 3))  # float64, as NumPy makes it
Y = (X[:, 0] + X[:, 1] > 0).astype(np.float64)


def _model(input_shape=(3,), loss="binary_crossentropy", optimizer="adam", metrics=("accuracy",)):
    model = Sequential()
    model.add(Dense(4, activation="relu", input_shape=input_shape))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss=loss, optimizer=optimizer, metrics=list(metrics))
    return model


def _weights(model):
    return [p.detach().clone() for p in model.parameters()]


def _assert_same_weights(model, weights, what):
    for (name, p), q in zip(model.named_parameters(), weights):
        assert torch.equal(p.detach(), q), f"{what}: parameter {name} differs"


def _assert_unchanged(model, before, what):
    after = _weights(model)
    assert all(torch.equal(p, q) for p, q in zip(before, after)), f"{what} changed the weights"


# --------------------------------------------------------------------- layers and names
def test_layers_are_named_as_keras_names_them_per_model():
    model = Sequential([Dense(2, input_shape=(3,)), Dense(2), Dense(1, name="out"), Dense(1)])
    assert [layer.name for layer in model.layers] == ["dense", "dense_1", "out", "dense_2"]
    assert Sequential([Dense(1)]).layers[0].name == "dense", "names count per model"
    assert [name for name, _ in model.named_parameters()][:2] == ["dense.kernel", "dense.bias"]


def test_duplicate_and_reserved_names_are_refused():
    model = Sequential([Dense(2, name="hidden")])
    with pytest.raises(ValueError, match="already has a layer named 'hidden'"):
        model.add(Dense(1, name="hidden"))
    with pytest.raises(ValueError, match="'fit' is taken"):
        model.add(Dense(1, name="fit"))
    with pytest.raises(TypeError, match="expects a layer"):
        model.add("dense")


def test_sequential_is_a_torch_module_whose_call_is_the_forward_pass(device):
    model = _model()
    assert isinstance(model, torch.nn.Module)
    x = torch.tensor(X[:5], dtype=torch.float32, device=device)
    manual = x
    for layer in model.layers:
        manual = layer.activation(manual @ layer.kernel + layer.bias)
    torch.testing.assert_close(model(x), manual, msg="model(x) differs from the layers applied in turn")


def test_weights_are_built_from_input_shape_else_from_the_first_batch(device):
    model = _model()
    assert model.built and model.layers[1].kernel.shape == (4, 1)
    assert all(p.device == device for p in model.parameters()), "weights must live on tn.get_device()"
    assert isinstance(model.optimizer, tn.optim.Adam), "the optimizer is made once the weights exist"
    lazy = _model(input_shape=None)
    assert not lazy.built and lazy.optimizer is None
    lazy.fit(X, Y, epochs=1, verbose=0)
    assert lazy.built and lazy.layers[0].kernel.shape == (3, 4)
    assert {p.device for p in lazy.parameters()} == {device}
    state_devices = {t.device for s in lazy.optimizer.state.values() for t in s.values() if torch.is_tensor(t)}
    assert state_devices == {device}, f"optimizer state on {state_devices}, expected {device}"


def test_summary_matches_keras_counts(capsys):
    model = Sequential([Dense(10, activation="relu", input_shape=(2,)), Dense(5, activation="relu"), Dense(1)])
    text = model.summary()
    assert capsys.readouterr().out.strip() == text.strip(), "summary() prints what it returns"
    reference = keras.Sequential([keras.Input((2,)), keras.layers.Dense(10), keras.layers.Dense(5), keras.layers.Dense(1)])
    assert model.count_params() == reference.count_params() == 91
    assert f"Total params: {reference.count_params():,}" in text, text
    for layer, keras_layer in zip(model.layers, reference.layers):
        row = next(line for line in text.splitlines() if line.startswith(f"{layer.name} (Dense)"))
        assert row.split()[-1] == f"{keras_layer.count_params():,}", f"row {row!r}: Keras counts {keras_layer.count_params()}"
        assert f"(None, {layer.units})" in row, row
    unbuilt = Sequential([Dense(3)]).summary()
    assert "unbuilt" in unbuilt and "Total params: 0" in unbuilt, unbuilt


# --------------------------------------------------------------------- compile
def test_optimizer_by_name_instance_or_callable():
    assert isinstance(_model(optimizer="sgd").optimizer, tn.optim.SGD)
    model = _model(optimizer=functools.partial(tn.optim.Adam, lr=0.01))
    assert model.optimizer.param_groups[0]["lr"] == 0.01
    lazy = _model(input_shape=None, optimizer=functools.partial(tn.optim.SGD, lr=0.5))
    lazy.fit(X, Y, verbose=0)
    assert lazy.optimizer.param_groups[0]["lr"] == 0.5, "a callable optimizer is made once weights exist"
    model = _model()
    own = tn.optim.RMSprop(model.parameters(), lr=0.002)
    model.compile(loss="mse", optimizer=own)
    assert model.optimizer is own
    with pytest.raises(ValueError, match="other parameters"):
        model.compile(loss="mse", optimizer=torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1))


def test_a_callable_loss_is_used():
    calls = []

    def my_loss(y_true, y_pred):
        calls.append(y_pred.shape)
        return ((y_true - y_pred) ** 2).mean()

    model = _model(loss=my_loss, metrics=())
    model.fit(X, Y, epochs=1, batch_size=20, verbose=0)
    assert model.loss is my_loss and (20, 1) in calls


@pytest.mark.parametrize("kwargs, message", [
    ({"loss": "cross_entropy_of_doom"}, "unknown loss 'cross_entropy_of_doom'; known losses: .*binary_crossentropy"),
    ({"loss": "mse", "optimizer": "adamw"}, "unknown optimizer 'adamw'; known optimizers: .*adam"),
    ({"loss": "mse", "metrics": ["f1"]}, "unknown metric 'f1'"),
])
def test_unknown_names_list_the_known_ones(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Sequential([Dense(1, input_shape=(2,))]).compile(**kwargs)


# --------------------------------------------------------------------- fit's semantics
def test_inputs_may_be_arrays_lists_or_tensors_and_float64_is_float32():
    histories = []
    for x, y in [(X, Y), (X.tolist(), Y.tolist()), (torch.tensor(X), torch.tensor(Y)),
                 (X.astype(np.float32), Y.astype(np.int64))]:
        torch.manual_seed(0)
        model = _model()
        histories.append(model.fit(x, y, epochs=2, verbose=0, seed=1).history)
        assert all(p.dtype == torch.float32 for p in model.parameters())
    assert all(h == histories[0] for h in histories), f"histories differ by input kind: {histories}"


def test_epoch_loss_and_metrics_are_sample_weighted_means_of_the_batches():
    # With lr = 0 the weights stay put, so each batch's loss is that of fixed
    # weights, and the sample-weighted mean over 40 = 16 + 16 + 8 samples is
    # the loss over all samples (the unweighted mean of the three would not be).
    model = _model(loss="mse", optimizer=functools.partial(tn.optim.SGD, lr=0.0), metrics=("accuracy", "mae"))
    history = model.fit(X, Y, epochs=1, batch_size=16, verbose=0)
    x = torch.tensor(X, dtype=torch.float32)
    y = torch.tensor(Y, dtype=torch.float32).reshape(-1, 1)
    with torch.no_grad():
        pred = model(x.to(model.device)).cpu()
    squared = ((pred - y) ** 2).reshape(-1)
    expected = {
        "loss": squared.mean().item(),
        "accuracy": ((pred > 0.5).float() == y).float().mean().item(),
        "mae": (pred - y).abs().mean().item(),
    }
    unweighted = np.mean([squared[:16].mean(), squared[16:32].mean(), squared[32:].mean()])
    assert abs(unweighted - expected["loss"]) > 1e-4, "test data must tell the two means apart"
    for key, value in expected.items():
        assert history.history[key][0] == pytest.approx(value, rel=1e-5), (
            f"epoch {key}: got {history.history[key][0]}, expected the mean over all samples {value}"
        )
    assert model.evaluate(X, Y) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("split", [0.25, 0.1, 0.33])
def test_validation_split_takes_the_last_samples_before_shuffling(split):
    n_train = math.floor(len(X) * (1 - split))
    torch.manual_seed(0)
    model = _model(metrics=("accuracy", "mse"))
    history = model.fit(X, Y, epochs=1, validation_split=split, verbose=0, seed=3)
    # the validation logs are evaluate() on the last len(X) - n_train samples ...
    val = model.evaluate(X[n_train:], Y[n_train:])
    for key, value in val.items():
        assert history.history[f"val_{key}"][0] == pytest.approx(value, rel=1e-6), f"val_{key}"
    # ... and training saw exactly the first n_train, shuffled as fit shuffles them
    torch.manual_seed(0)
    reference = _model(metrics=("accuracy", "mse"))
    reference.fit(X[:n_train], Y[:n_train], epochs=1, verbose=0, seed=3)
    _assert_same_weights(model, _weights(reference), f"validation_split={split}")


def test_validation_data_is_evaluated_at_each_epoch_end():
    model = _model()
    history = model.fit(X[:30], Y[:30], epochs=2, validation_data=(X[30:], Y[30:]), verbose=0)
    assert len(history.history["val_loss"]) == 2
    assert history.history["val_accuracy"][-1] == pytest.approx(model.evaluate(X[30:], Y[30:])["accuracy"])


def test_y_of_shape_n_is_taken_as_n_by_1_for_one_output_unit():
    torch.manual_seed(0)
    a = _model().fit(X, Y, verbose=0, seed=0).history
    torch.manual_seed(0)
    b = _model().fit(X, Y.reshape(-1, 1), verbose=0, seed=0).history
    assert a == b


def test_sparse_labels_stay_integers_and_train_a_softmax_model():
    labels = (X[:, 0] > 0).astype(np.int64) + (X[:, 1] > 0).astype(np.int64)
    model = Sequential([Dense(8, activation="relu", input_shape=(3,)), Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy", optimizer=functools.partial(tn.optim.Adam, lr=0.05),
                  metrics=["accuracy"])
    history = model.fit(X, labels, epochs=30, verbose=0, seed=0)
    predicted = model.predict(X).argmax(-1).numpy()
    assert history.history["accuracy"][-1] == pytest.approx(np.mean(predicted == labels), abs=0.1)
    assert model.evaluate(X, labels)["accuracy"] == pytest.approx(np.mean(predicted == labels), abs=1e-6)


def test_a_seed_repeats_a_run_bit_for_bit():
    runs = []
    for global_seed in (1, 2):  # different global RNG states: the seed alone decides
        torch.manual_seed(global_seed)
        model = _model(input_shape=None)
        history = model.fit(X, Y, epochs=3, batch_size=8, validation_split=0.2, verbose=0, seed=42)
        runs.append((model, history.history))
    assert runs[0][1] == runs[1][1], "histories differ between two runs with the same seed"
    _assert_same_weights(runs[0][0], _weights(runs[1][0]), "two runs with seed=42")
    torch.manual_seed(1)
    other = _model(input_shape=None)
    assert other.fit(X, Y, epochs=3, batch_size=8, validation_split=0.2, verbose=0, seed=43).history != runs[0][1]


def test_a_seed_does_not_move_the_global_random_state():
    model = _model(input_shape=None)
    torch.manual_seed(0)
    expected = torch.rand(1)
    torch.manual_seed(0)
    model.fit(X, Y, epochs=2, verbose=0, seed=5)  # builds the weights and shuffles
    assert torch.equal(torch.rand(1), expected), "fit(seed=...) must not draw from torch's global RNG"


def test_verbose_0_prints_nothing_and_1_shows_a_bar_with_the_loss(capsys):
    model = _model()
    model.fit(X, Y, epochs=2, verbose=0)
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err == "", f"verbose=0 printed {captured}"
    model.fit(X, Y, epochs=2, verbose=1, validation_split=0.2)
    err = capsys.readouterr().err
    assert "Epoch 1/2" in err and "Epoch 2/2" in err and "loss=" in err and "val_loss=" in err, err


def test_a_nan_loss_stops_fit_naming_epoch_and_batch():
    x = X.copy()
    x[21, 1] = np.nan  # row 21 is in batch 3 (rows 16-23) with batch_size 8, shuffle off
    with pytest.raises(FloatingPointError, match="epoch 1, batch 3"):
        _model().fit(x, Y, batch_size=8, shuffle=False, verbose=0)

    class Watch(tn.callbacks.Callback):  # per-batch callbacks see it at once, too
        def on_batch_end(self, batch, logs=None):
            pass

    with pytest.raises(FloatingPointError, match="epoch 1, batch 3"):
        _model().fit(x, Y, batch_size=8, shuffle=False, verbose=0, callbacks=[Watch()])


def test_an_infinite_loss_stops_fit_too():
    model = _model(loss=lambda y_true, y_pred: y_pred.sum() * float("inf"), metrics=())
    with pytest.raises(FloatingPointError, match="epoch 1, batch 1"):
        model.fit(X, Y, verbose=0)


# --------------------------------------------------------------------- inference
def test_evaluate_returns_python_floats_and_predict_a_cpu_tensor_without_grad():
    model = _model(metrics=("accuracy", "mae"))
    result = model.evaluate(X, Y, batch_size=7)
    assert set(result) == {"loss", "accuracy", "mae"} and all(type(v) is float for v in result.values())
    assert result == pytest.approx(model.evaluate(X, Y))
    pred = model.predict(X)
    assert pred.device.type == "cpu" and not pred.requires_grad and pred.shape == (40, 1)
    torch.testing.assert_close(model.predict(X, batch_size=3), pred, msg="predict depends on batch_size")


def test_features_give_a_layers_output_for_scikit_learn():
    from sklearn.linear_model import LogisticRegression

    model = _model()
    model.fit(X, Y, epochs=5, verbose=0)
    x = torch.tensor(X, dtype=torch.float32, device=model.device)
    with torch.no_grad():
        hidden = model.layers[0](x).cpu()
    by_index, by_name = model.features(X, 0), model.features(X, "dense")
    assert by_index.device.type == "cpu" and not by_index.requires_grad
    torch.testing.assert_close(by_index, hidden, msg="features(x, 0) is not the first layer's output")
    torch.testing.assert_close(by_name, hidden, msg="features(x, 'dense') is not the first layer's output")
    torch.testing.assert_close(model.features(X, -1), model.predict(X))
    LogisticRegression().fit(by_index, Y)  # straight into scikit-learn
    with pytest.raises(ValueError, match="no layer named 'hidden'; the layers are dense, dense_1"):
        model.features(X, "hidden")
    with pytest.raises(IndexError, match="out of range: the model has 2 layers"):
        model.features(X, 2)


def test_fit_uses_teachnets_ops_not_torchs(forbid_reference_ops):
    model = _model(metrics=("accuracy", "mae"))
    model.fit(X, Y, epochs=1, validation_split=0.2, verbose=0)
    model.predict(X)


# --------------------------------------------------------------------- bad input
def test_fit_before_compile_is_an_error():
    model = Sequential([Dense(1, input_shape=(3,))])
    with pytest.raises(RuntimeError, match=r"fit\(\) needs a compiled model: call model.compile"):
        model.fit(X, Y)
    with pytest.raises(RuntimeError, match="evaluate"):
        model.evaluate(X, Y)


@pytest.mark.parametrize("call, error, message", [
    (lambda m: m.fit(X[:, :2], Y, verbose=0), ValueError, "layer 'dense' expects 3 input features, got 2"),
    (lambda m: m.fit(X, Y[:-1], verbose=0), ValueError, r"len\(x\)=40 and len\(y\)=39"),
    (lambda m: m.fit(X, Y, validation_split=1.0, verbose=0), ValueError, r"validation_split must be a number in \[0, 1\), got 1.0"),
    (lambda m: m.fit(X, Y, validation_split=-0.1, verbose=0), ValueError, "validation_split"),
    (lambda m: m.fit(X, Y, validation_split="0.2", verbose=0), ValueError, "validation_split"),
    (lambda m: m.fit(X, Y, validation_data=(X[:5, :2], Y[:5]), verbose=0), ValueError, "layer 'dense' expects 3 input features, got 2"),
    (lambda m: m.fit(X, Y, validation_data=(X[:5], Y[:4]), verbose=0), ValueError, r"len\(x_val\)=5 and len\(y_val\)=4"),
    (lambda m: m.fit(X, np.zeros((40, 3)), verbose=0), ValueError, r"y: binary_crossentropy: .*\(40, 3\)"),
    (lambda m: m.fit(X, Y, validation_data=(X[:5], np.zeros((5, 2))), verbose=0), ValueError, "validation_data: "),
    (lambda m: m.fit(X[:, 0], Y, verbose=0), ValueError, r"shape \(samples, features\)"),
    (lambda m: m.fit(X, Y, batch_size=0, verbose=0), ValueError, "batch_size must be a positive integer"),
    (lambda m: m.fit("data", Y, verbose=0), TypeError, "x must be"),
    (lambda m: m.predict(X[:, :1]), ValueError, "layer 'dense' expects 3 input features, got 1"),
])
def test_bad_input_is_refused_before_any_weight_changes(call, error, message):
    model = _model()
    before = _weights(model)
    with pytest.raises(error, match=message):
        call(model)
    _assert_unchanged(model, before, "a refused call")


def test_a_bad_class_label_anywhere_is_refused_before_training():
    model = Sequential([Dense(3, activation="softmax", input_shape=(3,))])
    model.compile(loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    before = _weights(model)
    labels = np.zeros(len(X), dtype=np.int64)
    labels[-1] = 3  # the last sample: its batch would come after many steps
    with pytest.raises(ValueError, match="y: sparse_categorical_crossentropy: class label 3 is outside"):
        model.fit(X, labels, batch_size=4, shuffle=False, verbose=0)
    _assert_unchanged(model, before, "a label out of range")


def test_a_wrong_feature_count_in_an_unbuilt_model_is_named_by_its_layer():
    model = _model(input_shape=None)
    model.fit(X, Y, verbose=0)
    with pytest.raises(ValueError, match="layer 'dense' expects 3 input features, got 5"):
        model.evaluate(RNG.normal(size=(4, 5)), Y[:4])


def test_a_torch_module_that_is_not_a_layer_is_refused_with_a_hint():
    with pytest.raises(TypeError, match="expects a layer.*got ReLU.*activation='relu'"):
        Sequential([Dense(4, input_shape=(3,)), torch.nn.ReLU()])


@pytest.mark.parametrize("dtype", [np.float16, np.int64])
def test_half_precision_and_integer_inputs_are_taken_as_float32(dtype):
    model = _model()
    model.fit(X.astype(dtype), Y, epochs=1, verbose=0)
    prediction = model.predict(X.astype(dtype))
    assert prediction.dtype == torch.float32 and prediction.shape == (len(X), 1), (prediction.dtype, prediction.shape)


def test_evaluate_and_predict_accept_keras_verbose(capsys):
    model = _model()
    model.fit(X, Y, epochs=1, verbose=0)
    assert set(model.evaluate(X, Y, verbose=0)) == {"loss", "accuracy"}
    assert model.predict(X, verbose=0).shape == (len(X), 1)
    assert capsys.readouterr().out == "", "verbose=0 should print nothing"
