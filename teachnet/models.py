"""Sequential: a stack of layers, trained the Keras way.

    model = Sequential()
    model.add(Dense(10, activation="relu", input_shape=(2,)))
    model.add(Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
    history = model.fit(x, y, epochs=20, validation_split=0.2)
    model.predict(x_new)

``Sequential`` is a ``torch.nn.Module``: ``model(x)`` is the forward pass and
``model.parameters()`` are the layers' weights, so it also works inside plain
PyTorch code. ``fit`` is the training loop written out once, for every
model: shuffle, then for each batch forward, loss, backward, step.
"""
import math
import numbers
import re
import time

import torch
from tqdm.auto import tqdm

from . import losses, optim
from . import metrics as metrics_module  # `metrics` is compile's argument, as in Keras
from ._inputs import as_float_tensor, as_tensor, positive_int
from .callbacks import CallbackList, History
from .device import get_device

# predict/evaluate with batch_size=None: as many rows at once as this (results
# don't depend on it; memory does).
PREDICT_BATCH_SIZE = 4096


def _snake_case(class_name):
    """``Dense`` -> ``dense``, ``BatchNormalization`` -> ``batch_normalization`` (Keras's layer names)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name).lower()


class _Compiled:
    """What ``compile`` was told: the loss, the metrics and the optimizer (made once weights exist)."""

    def __init__(self, loss, loss_name, metrics, optimizer_spec):
        self.loss = loss
        self.loss_name = loss_name
        self.metrics = metrics
        self.optimizer_spec = optimizer_spec
        self.optimizer = optimizer_spec if isinstance(optimizer_spec, torch.optim.Optimizer) else None


class _Means:
    """Sample-weighted means of the per-batch loss and metrics, kept on the device until read.

    Appending a 0-d tensor costs next to nothing; reading (``result``) makes
    one transfer to the CPU. So ``fit`` does not wait for the device (no
    ``.item()``) at every batch. Each read adds only the batches since the
    last one to the running sums, so reading after every batch stays cheap.
    """

    def __init__(self, metric_fns):
        self.metric_fns = metric_fns
        self.values = {"loss": [], **{name: [] for name, _ in metric_fns}}
        self.sizes = []
        self._sums = None  # sum of value * batch size per key, over the batches summed so far
        self._summed = 0

    def add(self, y_true, y_pred, loss):
        self.sizes.append(len(y_true))
        self.values["loss"].append(loss.detach())
        if self.metric_fns:
            for name, value in metrics_module.evaluate_all(self.metric_fns, y_true, y_pred).items():
                self.values[name].append(value)

    def result(self):
        """``{key: mean}`` as Python floats, each batch's value weighted by its size."""
        if not self.sizes:
            return {}
        if self._summed < len(self.sizes):
            new = slice(self._summed, len(self.sizes))
            stacked = torch.stack([torch.stack(v[new]).double() for v in self.values.values()])
            sizes = torch.tensor(self.sizes[new], dtype=torch.float64, device=stacked.device)
            sums = (stacked * sizes).sum(dim=1)
            self._sums = sums if self._sums is None else self._sums + sums
            self._summed = new.stop
        return dict(zip(self.values, (self._sums / sum(self.sizes)).tolist()))

    def check_finite(self, epoch):
        """A NaN or infinite loss stops training, naming the epoch and the first bad batch (from 1)."""
        losses_so_far = torch.stack(self.values["loss"])
        bad = ~torch.isfinite(losses_so_far)
        if bad.any():
            first = int(bad.nonzero()[0, 0])
            raise FloatingPointError(
                f"the loss became {losses_so_far[first].item()} at epoch {epoch + 1}, batch {first + 1}: "
                f"training stopped (try a smaller learning rate, or look for NaN/inf in x and y)"
            )


class Sequential(torch.nn.Module):
    """A linear stack of layers with Keras's ``compile``, ``fit``, ``evaluate`` and ``predict``."""

    def __init__(self, layers=None, name="sequential"):
        super().__init__()
        self.name = name
        self._device = get_device()
        self._compiled = None
        self.history = None
        self.stop_training = False
        for layer in layers or []:
            self.add(layer)

    # ------------------------------------------------------------------ layers
    @property
    def layers(self):
        """The layers, in order (``model.layers[i].name`` is ``dense``, ``dense_1``, ...)."""
        return list(self._modules.values())

    @property
    def device(self):
        """Where the weights live: ``tn.get_device()`` when the model was made, unless moved since."""
        for parameter in self.parameters():
            return parameter.device
        return self._device

    def add(self, layer):
        """Append ``layer``; named as Keras names it (``dense``, ``dense_1``, ...) unless it has a name."""
        if not isinstance(layer, torch.nn.Module) or not hasattr(layer, "compute_output_shape"):
            raise TypeError(
                f"Sequential.add expects a layer such as teachnet's Dense, got {type(layer).__name__} "
                f"(an activation goes in the layer: Dense(units, activation='relu'))"
            )
        if self._compiled is not None:
            raise ValueError("add layers before compile(): the optimizer was made for the layers there were")
        name = getattr(layer, "name", None)
        if name is None:
            base = _snake_case(type(layer).__name__)
            name, count = base, 0
            while name in self._modules:
                count += 1
                name = f"{base}_{count}"
        if not isinstance(name, str) or not name or "." in name:
            raise ValueError(f"layer name must be a non-empty string without '.', got {name!r}")
        if name in self._modules:
            raise ValueError(
                f"this model already has a layer named {name!r}; layer names must be unique "
                f"(names so far: {', '.join(self._modules)})"
            )
        if hasattr(self, name):
            raise ValueError(f"layer name {name!r} is taken by an attribute of Sequential; choose another")
        layer.name = name
        self.add_module(name, layer)
        if self.input_features is not None:
            self._build(self.input_features)

    @property
    def input_features(self):
        """The number of input features, once known (``input_shape`` or the first batch); else None."""
        if not self._modules:
            return None
        first = self.layers[0]
        if getattr(first, "in_features", None) is not None:
            return first.in_features
        shape = getattr(first, "input_shape", None)
        return None if shape is None else shape[-1]

    @property
    def built(self):
        return all(getattr(layer, "built", True) for layer in self.layers) and bool(self._modules)

    def build(self, input_shape):
        """Create the weights for inputs of ``input_shape`` (``(None, features)`` or ``features``)."""
        features = input_shape if isinstance(input_shape, numbers.Integral) else input_shape[-1]
        self._build(positive_int(features, "build: the number of input features"))

    def _build(self, features):
        """Build each layer not built yet, feeding it the previous layer's output size."""
        for layer in self.layers:
            if hasattr(layer, "build") and not layer.built:
                layer.build(features, device=self.device)
            if not hasattr(layer, "compute_output_shape"):
                break
            features = layer.compute_output_shape((None, features))[-1]
        self._make_optimizer()

    def _build_seeded(self, features, seed):
        """``_build``, with the initial weights drawn from ``seed`` (without touching the global RNG)."""
        cuda = list(range(torch.cuda.device_count())) if self.device.type == "cuda" else []
        with torch.random.fork_rng(devices=cuda):
            torch.manual_seed(seed)
            self._build(features)

    def forward(self, x):
        if not isinstance(x, torch.Tensor):
            x = as_float_tensor(x, "x", device=self.device, float64_to_float32=True)
        for layer in self._modules.values():
            x = layer(x)
        return x

    # ------------------------------------------------------------------ compile
    def compile(self, loss, optimizer="adam", metrics=None):
        """Choose the loss, the optimizer and the metrics to report.

        ``loss``: a name (``"binary_crossentropy"``, ``"mse"``, ...) or a callable
        ``(y_true, y_pred) -> 0-d tensor``. ``optimizer``: a name (torch's
        defaults), an optimizer built on ``model.parameters()``, or a callable
        ``params -> optimizer`` such as ``functools.partial(tn.optim.Adam, lr=0.01)``.
        ``metrics``: a list of ``"accuracy"``, ``"mae"``, ``"mse"`` or callables.
        """
        loss_fn = losses.get(loss)
        loss_name = losses.REGISTRY.label(loss_fn)
        if metrics is None:
            metrics = []
        elif isinstance(metrics, str) or callable(metrics):
            metrics = [metrics]
        metric_ids = [metrics_module.check(m) for m in metrics]
        if isinstance(optimizer, str):
            optim.REGISTRY.get(optimizer)  # an unknown name fails here, listing the known ones
        elif isinstance(optimizer, torch.optim.Optimizer):
            self._check_optimizer_params(optimizer)
        elif not callable(optimizer):
            raise TypeError(
                f"optimizer must be a name, a torch.optim.Optimizer or a callable params -> optimizer, "
                f"got {type(optimizer).__name__}"
            )
        self._compiled = _Compiled(loss_fn, loss_name, metric_ids, optimizer)
        if self.built:
            self._make_optimizer()

    def _check_optimizer_params(self, optimizer):
        own = {id(p) for p in self.parameters()}
        given = [p for group in optimizer.param_groups for p in group["params"]]
        if not own:
            raise ValueError(
                "compile got an optimizer instance, but the model has no weights yet; give input_shape "
                "to the first layer, or pass the optimizer by name or as a callable params -> optimizer"
            )
        if not any(id(p) in own for p in given):
            raise ValueError("compile got an optimizer built on other parameters than this model's")

    def _make_optimizer(self):
        compiled = self._compiled
        if compiled is None or compiled.optimizer is not None or not self.built:
            return
        spec = compiled.optimizer_spec
        compiled.optimizer = optim.get(spec, self.parameters()) if isinstance(spec, str) else spec(self.parameters())

    @property
    def optimizer(self):
        """The optimizer ``compile`` chose (None before ``compile`` and until the weights exist)."""
        return None if self._compiled is None else self._compiled.optimizer

    @property
    def loss(self):
        """The loss function ``compile`` chose (None before ``compile``)."""
        return None if self._compiled is None else self._compiled.loss

    def _require_compiled(self, what):
        if self._compiled is None:
            raise RuntimeError(
                f"{what}() needs a compiled model: call model.compile(loss=..., optimizer=...) first"
            )
        return self._compiled

    # ------------------------------------------------------------------ data
    def _as_inputs(self, x, name="x"):
        # Any float or integer input is taken in the weights' dtype (float32 unless
        # built otherwise), as Keras casts its inputs.
        dtype = next((p.dtype for p in self.parameters()), torch.float32)
        x = as_float_tensor(x, name).to(dtype)
        if x.dim() < 2:
            raise ValueError(
                f"{name} must have shape (samples, features), got shape {tuple(x.shape)}; "
                f"for a single feature use {name}.reshape(-1, 1)"
            )
        expected = self.input_features
        if expected is not None and x.shape[-1] != expected:
            first = self.layers[0]
            raise ValueError(
                f"layer {first.name!r} expects {expected} input features, got {x.shape[-1]} "
                f"({name} has shape {tuple(x.shape)})"
            )
        return x

    def _as_targets(self, y, x, name="y", x_name="x"):
        y = as_tensor(y, name)
        if len(y) != len(x):
            raise ValueError(
                f"{x_name} and {name} must hold the same number of samples, "
                f"got len({x_name})={len(x)} and len({name})={len(y)}"
            )
        sparse = self._compiled.loss_name.startswith("sparse")
        if y.dtype == torch.float64 or not (y.is_floating_point() or sparse):
            y = y.to(torch.float32)  # as Keras, y takes the model's float type (labels stay integers)
        units = getattr(self.layers[-1], "units", None) if self._modules else None
        if y.dim() == 1 and units == 1:
            y = y.unsqueeze(1)
        return y

    def _data(self, x, y, x_name="x", y_name="y"):
        x = self._as_inputs(x, x_name)
        y = self._as_targets(y, x, y_name, x_name)
        if len(x) == 0:
            raise ValueError(f"{x_name} holds no samples")
        return x, y

    def _check_targets(self, y, y_pred_shape, metric_fns, name):
        """Run the loss and the metrics on all of ``y`` against a stand-in prediction (0.5 everywhere).

        A wrong shape or a class label out of range then shows before any
        weight changes, not at the batch where it sits.
        """
        y = y.to(self.device)
        stand_in = torch.full((len(y),) + tuple(y_pred_shape[1:]), 0.5, device=self.device)
        with torch.no_grad():
            try:
                self._compiled.loss(y, stand_in)
                metrics_module.evaluate_all(metric_fns, y, stand_in)
            except (ValueError, TypeError) as err:
                raise type(err)(f"{name}: {err}") from None

    def _metric_fns(self, y, y_pred_shape):
        compiled = self._compiled
        return [
            (metrics_module.name_of(m), metrics_module.get(m, compiled.loss_name, tuple(y.shape), y_pred_shape))
            for m in compiled.metrics
        ]

    # ------------------------------------------------------------------ fit
    def fit(
        self,
        x,
        y,
        epochs=1,
        batch_size=32,
        validation_split=0.0,
        validation_data=None,
        shuffle=True,
        verbose=1,
        callbacks=None,
        seed=None,
    ):
        """Train for ``epochs`` passes over ``(x, y)`` in shuffled batches; returns the ``History``.

        ``validation_split`` keeps the last fraction of the samples (taken
        before shuffling, as Keras does) for validation; ``validation_data``
        is an ``(x_val, y_val)`` pair instead. ``seed`` makes the run repeat
        bit for bit: it seeds the shuffling and, if the weights do not exist
        yet, their initialisation. ``verbose``: 0 silent, 1 a progress bar per
        epoch, 2 one line per epoch.
        """
        compiled = self._require_compiled("fit")
        epochs = 0 if epochs == 0 else positive_int(epochs, "epochs")
        batch_size = 32 if batch_size is None else positive_int(batch_size, "batch_size")
        if not (isinstance(validation_split, numbers.Real) and 0 <= validation_split < 1):
            raise ValueError(f"validation_split must be a number in [0, 1), got {validation_split!r}")
        x, y = self._data(x, y)

        # Validation data: given, or the last fraction of (x, y), before any shuffling.
        x_val = y_val = None
        if validation_data is not None:
            if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
                raise ValueError("validation_data must be a pair (x_val, y_val)")
            x_val, y_val = self._data(*validation_data, x_name="x_val", y_name="y_val")
        elif validation_split > 0:
            n_train = math.floor(len(x) * (1 - validation_split))
            if n_train in (0, len(x)):
                raise ValueError(
                    f"validation_split={validation_split} leaves no samples to "
                    f"{'train on' if n_train == 0 else 'validate on'} out of {len(x)}"
                )
            x, x_val, y, y_val = x[:n_train], x[n_train:], y[:n_train], y[n_train:]

        if not self.built and seed is not None:
            self._build_seeded(x.shape[-1], seed)
        elif not self.built:
            self._build(x.shape[-1])
        device = self.device
        y_pred_shape = self.compute_output_shape(tuple(x.shape))
        metric_fns = self._metric_fns(y, y_pred_shape)
        self._check_targets(y, y_pred_shape, metric_fns, "y")
        if x_val is not None:
            self._check_targets(y_val, y_pred_shape, metric_fns, "validation_data")

        # The whole dataset goes to the device once; batches are slices of it.
        x, y = x.to(device), y.to(device)
        if x_val is not None:
            x_val, y_val = x_val.to(device), y_val.to(device)
        generator = None if seed is None else torch.Generator().manual_seed(seed)
        optimizer, loss_fn = compiled.optimizer, compiled.loss
        n = len(x)
        steps = math.ceil(n / batch_size)

        self.history = History()
        callbacks = CallbackList(
            list(callbacks or []) + [self.history], self,
            {"epochs": epochs, "steps": steps, "verbose": verbose},
        )
        batch_hooks = callbacks.wants_batch_logs
        self.stop_training = False
        callbacks.call("on_train_begin", {})
        for epoch in range(epochs):
            callbacks.call("on_epoch_begin", epoch, {})
            self.train()
            if shuffle:
                order = torch.randperm(n, generator=generator).to(device)
                xs, ys = x[order], y[order]
            else:
                xs, ys = x, y
            means = _Means(metric_fns)
            bar = tqdm(total=steps, desc=f"Epoch {epoch + 1}/{epochs}", unit="batch") if verbose == 1 else None
            next_refresh = time.monotonic()

            for batch in range(steps):
                if batch_hooks:
                    callbacks.call("on_train_batch_begin", batch, {})
                x_batch = xs[batch * batch_size:(batch + 1) * batch_size]
                y_batch = ys[batch * batch_size:(batch + 1) * batch_size]

                optimizer.zero_grad()
                y_pred = self(x_batch)
                loss = loss_fn(y_batch, y_pred)
                loss.backward()
                optimizer.step()

                means.add(y_batch, y_pred, loss)
                if batch_hooks:
                    callbacks.call("on_train_batch_end", batch, self._running(means, epoch))
                    if self.stop_training:  # a callback may stop mid-epoch, as in Keras
                        break
                if bar is not None:
                    bar.update()
                    if time.monotonic() >= next_refresh:  # reading the loss waits for the device: not every batch
                        bar.set_postfix(self._running(means, epoch), refresh=False)
                        next_refresh = time.monotonic() + 0.2

            logs = self._running(means, epoch)
            if x_val is not None:
                val_logs = self._evaluate(x_val, y_val, batch_size, metric_fns)
                logs.update({f"val_{key}": value for key, value in val_logs.items()})
            callbacks.call("on_epoch_end", epoch, logs)
            if bar is not None:
                bar.set_postfix({k: v for k, v in logs.items() if "/" not in k}, refresh=False)
                bar.close()
            if verbose == 2:
                print(f"Epoch {epoch + 1}/{epochs} - " + " - ".join(f"{k}: {v:.4f}" for k, v in logs.items()))
            if self.stop_training:
                break
        callbacks.call("on_train_end", {})
        return self.history

    @staticmethod
    def _running(means, epoch):
        """The epoch's means so far (the loss checked for NaN and inf on the way)."""
        logs = means.result()
        if not math.isfinite(logs["loss"]):
            means.check_finite(epoch)
        return logs

    # ------------------------------------------------------------------ inference
    def _evaluate(self, x, y, batch_size, metric_fns):
        """Sample-weighted means of the loss and the metrics over ``(x, y)``, without gradients."""
        device, means = self.device, _Means(metric_fns)
        was_training = self.training
        self.eval()
        with torch.no_grad():
            for start in range(0, len(x), batch_size):
                x_batch = x[start:start + batch_size].to(device)
                y_batch = y[start:start + batch_size].to(device)
                y_pred = self(x_batch)
                means.add(y_batch, y_pred, self._compiled.loss(y_batch, y_pred))
        self.train(was_training)
        return means.result()

    def evaluate(self, x, y, batch_size=None, verbose=0):
        """``{"loss": ..., <metric>: ...}``: Python floats, sample-weighted means over ``(x, y)``.

        ``verbose`` is accepted so that Keras scripts run unchanged; evaluate prints nothing.
        """
        self._require_compiled("evaluate")
        x, y = self._data(x, y)
        if not self.built:
            self._build(x.shape[-1])
        y_pred_shape = self.compute_output_shape(tuple(x.shape))
        metric_fns = self._metric_fns(y, y_pred_shape)
        self._check_targets(y, y_pred_shape, metric_fns, "y")
        batch_size = PREDICT_BATCH_SIZE if batch_size is None else positive_int(batch_size, "batch_size")
        return self._evaluate(x, y, batch_size, metric_fns)

    def _outputs(self, x, upto, batch_size):
        """The output of layer number ``upto`` for each row of ``x``: a CPU tensor without grad."""
        x = self._as_inputs(x)
        if not self.built:
            self._build(x.shape[-1])
        batch_size = PREDICT_BATCH_SIZE if batch_size is None else positive_int(batch_size, "batch_size")
        layers, device, chunks = self.layers[: upto + 1], self.device, []
        was_training = self.training
        self.eval()
        with torch.no_grad():
            for start in range(0, max(len(x), 1), batch_size):  # one (empty) batch for empty x
                out = x[start:start + batch_size].to(device)
                for layer in layers:
                    out = layer(out)
                chunks.append(out.cpu())
        self.train(was_training)
        return torch.cat(chunks)

    def predict(self, x, batch_size=None, verbose=0):
        """The model's output for each row of ``x``: a CPU tensor without grad (``verbose`` as in evaluate)."""
        return self._outputs(x, len(self.layers) - 1, batch_size)

    def features(self, x, layer, batch_size=None):
        """The output of ``layer`` (index from 0, or name) for ``x``: a CPU tensor, ready for scikit-learn."""
        return self._outputs(x, self._layer_index(layer), batch_size)

    def _layer_index(self, layer):
        names = list(self._modules)
        if isinstance(layer, str):
            if layer not in self._modules:
                raise ValueError(f"no layer named {layer!r}; the layers are {', '.join(names)}")
            return names.index(layer)
        if isinstance(layer, bool) or not isinstance(layer, numbers.Integral):
            raise TypeError(f"layer must be an index or a layer name, got {layer!r}")
        if not -len(names) <= layer < len(names):
            raise IndexError(f"layer index {layer} is out of range: the model has {len(names)} layers")
        return layer % len(names)

    def get_layer(self, name=None, index=None):
        """The layer called ``name`` or at ``index`` (as Keras's ``get_layer``)."""
        return self.layers[self._layer_index(name if name is not None else index)]

    # ------------------------------------------------------------------ description
    def compute_output_shape(self, input_shape, upto=None):
        """The output shape of layer ``upto`` (default: the last) for inputs of ``input_shape``."""
        shape = tuple(input_shape)
        layers = self.layers if upto is None else self.layers[: upto + 1]
        for layer in layers:
            shape = tuple(layer.compute_output_shape(shape))
        return shape

    def count_params(self):
        """The number of weights, as Keras's ``count_params()``."""
        return sum(p.numel() for p in self.parameters())

    def summary(self):
        """A Keras-style table of the layers, their output shapes and parameter counts; printed and returned."""
        rows = [("Layer (type)", "Output Shape", "Param #")]
        features = self.input_features
        shape = (None, features)
        for layer in self.layers:
            built = getattr(layer, "built", True)
            if features is not None and hasattr(layer, "compute_output_shape"):
                shape = tuple(layer.compute_output_shape(shape))
                out = str(shape)
            else:
                features, out = None, "?"
            params = sum(p.numel() for p in layer.parameters()) if built else 0
            rows.append((f"{layer.name} ({type(layer).__name__})", out, f"{params:,}" if built else "0 (unbuilt)"))
        widths = [max(len(row[i]) for row in rows) + 3 for i in range(3)]
        line_width = sum(widths)

        def fmt(row):
            return row[0].ljust(widths[0]) + row[1].ljust(widths[1]) + row[2].rjust(widths[2] - 3)

        total = self.count_params()
        trainable = sum(p.numel() for p in self.parameters() if p.requires_grad)
        lines = [f'Model: "{self.name}"', "_" * line_width, fmt(rows[0]), "=" * line_width]
        for row in rows[1:]:
            lines += [fmt(row), "_" * line_width]
        lines[-1] = "=" * line_width
        lines += [
            f"Total params: {total:,}",
            f"Trainable params: {trainable:,}",
            f"Non-trainable params: {total - trainable:,}",
            "_" * line_width,
        ]
        text = "\n".join(lines)
        print(text)
        return text

    # ------------------------------------------------------------------ saving
    def save(self, path):
        """Write architecture, weights, compile settings and optimizer state to ``path`` (atomically)."""
        from .saving import save_model

        save_model(self, path)

    def get_config(self):
        """The architecture as JSON-able data (what ``save`` writes besides the tensors)."""
        return {
            "name": self.name,
            "input_features": self.input_features,
            "layers": [{"class_name": type(layer).__name__, "config": layer.get_config()} for layer in self.layers],
        }
