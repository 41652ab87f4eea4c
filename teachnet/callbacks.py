"""Callbacks: code that ``fit`` calls at fixed points of training, as in Keras.

``fit`` calls, in this order::

    on_train_begin(logs)
    for each epoch:    on_epoch_begin(epoch, logs)
        for each batch:    on_train_batch_begin(batch, logs) ... on_train_batch_end(batch, logs)
                       on_epoch_end(epoch, logs)
    on_train_end(logs)

``epoch`` and ``batch`` count from 0, as in Keras. ``on_train_batch_begin``
and ``on_train_batch_end`` call ``on_batch_begin`` and ``on_batch_end``, so a
callback may override either spelling. ``logs`` is a dict of Python floats:
at a batch's end the running means of the epoch so far (``loss`` and each
metric), at an epoch's end the epoch's values and their ``val_`` twins.

``self.model`` is the model being trained and ``self.params`` holds
``epochs``, ``steps`` (batches per epoch) and ``verbose``. Setting
``self.model.stop_training = True`` ends training after the current batch
(in a batch hook) or epoch (in ``on_epoch_end``), as in Keras.

Per-batch hooks cost time (``fit`` has to read the loss off the device for
their logs), so ``fit`` calls them only when some callback overrides one.
"""


class Callback:
    """Base class: override the methods you need; each does nothing by default."""

    def __init__(self):
        self.model = None
        self.params = {}

    def set_model(self, model):
        self.model = model

    def set_params(self, params):
        self.params = params

    def on_train_begin(self, logs=None):
        pass

    def on_train_end(self, logs=None):
        pass

    def on_epoch_begin(self, epoch, logs=None):
        pass

    def on_epoch_end(self, epoch, logs=None):
        pass

    def on_batch_begin(self, batch, logs=None):
        pass

    def on_batch_end(self, batch, logs=None):
        pass

    def on_train_batch_begin(self, batch, logs=None):
        self.on_batch_begin(batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self.on_batch_end(batch, logs=logs)

    def wants_batch_logs(self):
        """Whether this callback overrides a per-batch hook (else ``fit`` skips them)."""
        cls = type(self)
        return any(
            getattr(cls, hook) is not getattr(Callback, hook)
            for hook in ("on_batch_begin", "on_batch_end", "on_train_batch_begin", "on_train_batch_end")
        )


class History(Callback):
    """Records every epoch's logs: ``history.history["loss"][epoch]``, ``["val_loss"]``, ...

    ``fit`` returns it (and keeps it as ``model.history``). It runs after the
    other callbacks at each epoch's end, so what they add to ``logs`` (the
    probes' series, for instance) is recorded too.
    """

    def __init__(self):
        super().__init__()
        self.history = {}
        self.epoch = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


class CallbackList:
    """Calls one hook on each callback in turn (what ``fit`` talks to)."""

    def __init__(self, callbacks, model, params):
        self.callbacks = list(callbacks)
        for callback in self.callbacks:
            if not isinstance(callback, Callback):
                raise TypeError(
                    f"callbacks must be instances of teachnet.callbacks.Callback, "
                    f"got {type(callback).__name__}"
                )
            callback.set_model(model)
            callback.set_params(params)
        self.wants_batch_logs = any(callback.wants_batch_logs() for callback in self.callbacks)

    def call(self, hook, *args):
        for callback in self.callbacks:
            getattr(callback, hook)(*args)
