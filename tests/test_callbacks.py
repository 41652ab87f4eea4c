"""Callbacks: Keras's hooks, called in Keras's order, with epoch and batch counted from 0."""
import pytest
import torch

import teachnet as tn
from teachnet.callbacks import Callback, History

X = torch.linspace(-1, 1, 20).reshape(10, 2)
Y = (X.sum(dim=1, keepdim=True) > 0).float()


def _model():
    model = tn.Sequential([tn.layers.Dense(1, activation="sigmoid", input_shape=(2,))])
    model.compile(loss="binary_crossentropy", optimizer="sgd", metrics=["accuracy"])
    return model


class Recorder(Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_train_begin(self, logs=None):
        self.calls.append(("train_begin", self.model, dict(self.params)))

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(("epoch_begin", epoch))

    def on_batch_begin(self, batch, logs=None):
        self.calls.append(("batch_begin", batch))

    def on_batch_end(self, batch, logs=None):
        self.calls.append(("batch_end", batch, sorted(logs)))

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(("epoch_end", epoch, sorted(logs)))

    def on_train_end(self, logs=None):
        self.calls.append(("train_end",))


def test_hooks_are_called_in_order_counting_from_zero():
    model, recorder = _model(), Recorder()
    model.fit(X, Y, epochs=2, batch_size=4, validation_split=0.2, verbose=0, callbacks=[recorder])
    batch_calls = [("batch_begin", 0), ("batch_end", 0, ["accuracy", "loss"]),
                   ("batch_begin", 1), ("batch_end", 1, ["accuracy", "loss"])]
    epoch_logs = ["accuracy", "loss", "val_accuracy", "val_loss"]
    expected = [
        ("train_begin", model, {"epochs": 2, "steps": 2, "verbose": 0}),
        ("epoch_begin", 0), *batch_calls, ("epoch_end", 0, epoch_logs),
        ("epoch_begin", 1), *batch_calls, ("epoch_end", 1, epoch_logs),
        ("train_end",),
    ]
    assert recorder.calls == expected, f"callback calls differ:\n got      {recorder.calls}\n expected {expected}"


def test_batch_logs_are_running_means_of_the_epoch():
    seen = []

    class Batches(Callback):
        def on_train_batch_end(self, batch, logs=None):
            seen.append(logs["loss"])

    model = _model()
    weights = [p.detach().clone() for p in model.parameters()]
    history = model.fit(X, Y, epochs=1, batch_size=4, shuffle=False, verbose=0, callbacks=[Batches()])
    # Recompute the batch losses with the weights each batch saw.
    model2 = _model()
    with torch.no_grad():
        for p, w in zip(model2.parameters(), weights):
            p.copy_(w)
    batch_losses, sizes = [], []
    for start in range(0, 10, 4):
        xb, yb = X[start:start + 4].to(model2.device), Y[start:start + 4].to(model2.device)
        model2.optimizer.zero_grad()
        loss = tn.losses.binary_crossentropy(yb, model2(xb))
        loss.backward()
        model2.optimizer.step()
        batch_losses.append(loss.item())
        sizes.append(len(xb))
    running = [
        sum(l * s for l, s in zip(batch_losses[: i + 1], sizes[: i + 1])) / sum(sizes[: i + 1])
        for i in range(len(sizes))
    ]
    assert seen == pytest.approx(running, rel=1e-6), f"batch logs {seen}, expected running means {running}"
    assert history.history["loss"][0] == pytest.approx(running[-1], rel=1e-6)


def test_history_records_every_epoch():
    history = History()
    history.on_epoch_end(0, {"loss": 1.0, "val_loss": 2.0})
    history.on_epoch_end(1, {"loss": 0.5, "val_loss": 1.5})
    assert history.history == {"loss": [1.0, 0.5], "val_loss": [2.0, 1.5]}
    assert history.epoch == [0, 1]


def test_fit_returns_a_history_and_keeps_it_on_the_model():
    model = _model()
    history = model.fit(X, Y, epochs=3, verbose=0)
    assert isinstance(history, History) and model.history is history
    assert history.epoch == [0, 1, 2]
    assert all(len(v) == 3 for v in history.history.values()), history.history


def test_stop_training_ends_after_the_current_epoch():
    class StopAtOne(Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch == 1:
                self.model.stop_training = True

    history = _model().fit(X, Y, epochs=10, verbose=0, callbacks=[StopAtOne()])
    assert history.epoch == [0, 1], f"training should stop after epoch 1, ran epochs {history.epoch}"


def test_stop_training_from_a_batch_hook_stops_within_the_epoch():
    class StopAtBatchOne(Callback):
        def on_train_batch_end(self, batch, logs=None):
            self.batches = batch + 1
            if batch == 1:
                self.model.stop_training = True

    stopper = StopAtBatchOne()
    history = _model().fit(X, Y, epochs=5, batch_size=4, verbose=0, callbacks=[stopper])
    assert stopper.batches == 2, f"training should stop after batch 1 (as Keras does), ran {stopper.batches} batches"
    assert history.epoch == [0], f"no epoch should start after the stop, ran epochs {history.epoch}"


def test_per_batch_hooks_are_only_wanted_when_overridden():
    assert not Callback().wants_batch_logs()
    assert not History().wants_batch_logs()
    assert Recorder().wants_batch_logs()


def test_a_non_callback_is_refused():
    with pytest.raises(TypeError, match="teachnet.callbacks.Callback, got function"):
        _model().fit(X, Y, verbose=0, callbacks=[lambda epoch: None])
