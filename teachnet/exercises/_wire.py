"""Tensors as JSON: how the checker and the child that runs a student's file talk.

Only plain data crosses between the two processes: a tensor travels as its
dtype, shape and raw bytes (base64), so nothing the student's code returns is
ever unpickled or asked to compare itself. Anything that is not exactly a
``torch.Tensor`` travels as the name of its type.

This file must import nothing but the standard library and torch: the child
loads it by path, without importing teachnet.
"""
import base64

import torch

_DTYPES = {str(d).removeprefix("torch."): d for d in (
    torch.float16, torch.bfloat16, torch.float32, torch.float64,
    torch.int8, torch.int16, torch.int32, torch.int64, torch.uint8, torch.bool,
)}


def encode(value):
    """A JSON-able form of ``value``: tensors, numbers, strings, None, lists and dicts of them."""
    if type(value) in (torch.Tensor, torch.nn.Parameter):
        tensor = value.detach().cpu().contiguous()
        name = str(tensor.dtype).removeprefix("torch.")
        if name not in _DTYPES:
            return {"__type__": f"torch.Tensor of dtype {name}"}
        return {
            "__tensor__": name,
            "shape": list(tensor.shape),
            "data": base64.b64encode(tensor.view(-1).view(torch.uint8).numpy().tobytes()).decode("ascii"),
        }
    if value is None or type(value) in (bool, int, float, str):
        return value
    if type(value) in (list, tuple):
        return [encode(item) for item in value]
    if type(value) is dict:
        return {str(key): encode(item) for key, item in value.items()}
    kind = type(value)
    return {"__type__": f"{kind.__module__}.{kind.__qualname__}"}


def decode(value):
    """The inverse of ``encode``; a value that was not plain data comes back as ``Opaque``."""
    if isinstance(value, list):
        return [decode(item) for item in value]
    if isinstance(value, dict):
        if "__tensor__" in value:
            dtype = _DTYPES[value["__tensor__"]]
            raw = bytearray(base64.b64decode(value["data"]))
            flat = torch.frombuffer(raw, dtype=torch.uint8) if raw else torch.empty(0, dtype=torch.uint8)
            return flat.view(dtype).reshape(value["shape"]).clone()
        if "__type__" in value:
            return Opaque(value["__type__"])
        return {key: decode(item) for key, item in value.items()}
    return value


class Opaque:
    """Stands for an object of type ``type_name`` that could not travel as data."""

    def __init__(self, type_name):
        self.type_name = type_name

    def __repr__(self):
        return f"<{self.type_name} object>"
