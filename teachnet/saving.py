"""Saving and loading a whole model: architecture, weights, compile settings, optimizer state.

The file is one ``torch.save`` of a dict that holds only data::

    {"format": "teachnet.Sequential", "version": 1,
     "config": <JSON text: layers, loss, metrics, optimizer class>,
     "weights": model.state_dict(), "optimizer": optimizer.state_dict()}

and is read back with ``torch.load(..., weights_only=True)``, whose unpickler
accepts tensors, numbers, strings and containers and nothing else: loading a
file never runs code from it (a plain ``pickle.load`` of a crafted file can run
any command). Functions and classes are saved by name and found again in
teachnet's registries or in ``custom_objects``, as in Keras.

A save goes to a temporary file in the same folder, which then replaces
``path`` in one step (``os.replace``): a crash mid-save leaves the old file.
"""
import json
import os
import pickle

import torch

from . import layers, losses, metrics, optim
from ._files import write_atomically
from .device import get_device

FORMAT = "teachnet.Sequential"
VERSION = 1

# The layer classes a file may name (plus those given in custom_objects).
LAYER_CLASSES = {"Dense": layers.Dense}


def _optimizer_name(optimizer):
    """A name that finds the optimizer's class again: teachnet's registry name, ``torch.optim.X``, or its class name."""
    cls = type(optimizer)
    name = optim.REGISTRY.name_of(cls)
    if name is not None:
        return name
    if getattr(torch.optim, cls.__name__, None) is cls:
        return f"torch.optim.{cls.__name__}"
    return cls.__name__


def _optimizer_class(name, custom_objects):
    if name in optim.REGISTRY:
        return optim.REGISTRY.get(name)
    if name.startswith("torch.optim."):
        cls = getattr(torch.optim, name.rpartition(".")[2], None)
        if isinstance(cls, type) and issubclass(cls, torch.optim.Optimizer):
            return cls
    if name in custom_objects:
        return custom_objects[name]
    raise ValueError(
        f"the file's optimizer {name!r} is not a teachnet optimizer; pass its class as "
        f"custom_objects={{{name!r}: ...}}"
    )


def _resolve(name, registry, custom_objects, what):
    """The function a file names: from ``custom_objects`` first (as Keras), else teachnet's registry."""
    if name in custom_objects:
        return custom_objects[name]
    if name in registry:
        return registry.get(name)
    raise ValueError(
        f"the file's {what} {name!r} is not one teachnet knows; pass it to load_model as "
        f"custom_objects={{{name!r}: <your function>}}"
    )


def save_model(model, path):
    """Write ``model`` to ``path``: one file, written atomically (see the module's docstring)."""
    compiled = model._compiled
    optimizer = model.optimizer
    config = {"model": model.get_config(), "compile": None}
    if compiled is not None:
        if optimizer is None and not isinstance(compiled.optimizer_spec, str):
            raise ValueError(
                "this model's optimizer is made when its weights exist, and a callable cannot be "
                "saved: build the model (fit, or build()) before saving"
            )
        names = {id(p): name for name, p in model.named_parameters()}
        config["compile"] = {
            "loss": compiled.loss_name,
            "metrics": [metrics.name_of(m) for m in compiled.metrics],
            "optimizer": compiled.optimizer_spec if optimizer is None else _optimizer_name(optimizer),
            # Which parameters each group held, by name, to rebuild the groups on load.
            "param_groups": None if optimizer is None else [
                [names[id(p)] for p in group["params"]] for group in optimizer.param_groups
            ],
        }
    blob = {
        "format": FORMAT,
        "version": VERSION,
        "config": json.dumps(config),
        "weights": model.state_dict(),
        "optimizer": None if optimizer is None else optimizer.state_dict(),
    }
    write_atomically(path, lambda file: torch.save(blob, file))


def _read(path):
    """The file's dict, read without unpickling anything but data; a clear error for anything else."""
    try:
        blob = torch.load(path, map_location=get_device(), weights_only=True)
    except FileNotFoundError:
        raise
    except (pickle.UnpicklingError, RuntimeError, EOFError, ValueError, TypeError, AttributeError) as err:
        reason = str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__
        raise ValueError(
            f"refusing to load {path!r}: it is not a model file written by teachnet's save(), and "
            f"teachnet never unpickles arbitrary objects (they can run code). Reason: {reason}"
        ) from None
    if not isinstance(blob, dict) or blob.get("format") != FORMAT:
        raise ValueError(f"{path!r} is not a teachnet model file (no {FORMAT!r} format tag)")
    if blob.get("version") != VERSION:
        raise ValueError(f"{path!r} has format version {blob.get('version')!r}; this teachnet reads {VERSION}")
    return blob


def load_model(path, custom_objects=None):
    """The model saved at ``path``, compiled and with its optimizer state, ready to continue training.

    A loss, metric, activation, layer or optimizer class that teachnet does not
    know by name is looked up in ``custom_objects`` (a dict name -> object).
    """
    from .models import Sequential

    custom_objects = dict(custom_objects or {})
    blob = _read(os.fspath(path))
    config = json.loads(blob["config"])

    model_config = config["model"]
    model = Sequential(name=model_config.get("name", "sequential"))
    for entry in model_config["layers"]:
        cls = custom_objects.get(entry["class_name"]) or LAYER_CLASSES.get(entry["class_name"])
        if cls is None:
            raise ValueError(
                f"the file's layer class {entry['class_name']!r} is not one teachnet knows; pass it as "
                f"custom_objects={{{entry['class_name']!r}: <the class>}}"
            )
        try:
            layer = cls.from_config(entry["config"], custom_objects=custom_objects)
        except ValueError as err:
            raise ValueError(
                f"layer {entry['config'].get('name')!r}: {err}; a function teachnet does not know "
                f"goes in load_model(..., custom_objects={{name: function}})"
            ) from None
        model.add(layer)
    if model_config.get("input_features") is not None and not model.built:
        model.build(model_config["input_features"])
    model.load_state_dict(blob["weights"])

    compiled = config.get("compile")
    if compiled is not None:
        loss = _resolve(compiled["loss"], losses.REGISTRY, custom_objects, "loss")
        metric_list = [
            m if m not in custom_objects and (m.lower() in metrics.ACCURACY_NAMES or m in metrics.REGISTRY)
            else _resolve(m, metrics.REGISTRY, custom_objects, "metric")
            for m in compiled["metrics"]
        ]
        optimizer = compiled["optimizer"]
        if compiled["param_groups"] is not None:
            parameters = dict(model.named_parameters())
            cls = _optimizer_class(optimizer, custom_objects)
            optimizer = cls([{"params": [parameters[n] for n in group]} for group in compiled["param_groups"]])
            optimizer.load_state_dict(blob["optimizer"])
        model.compile(loss=loss, optimizer=optimizer, metrics=metric_list)
    return model
