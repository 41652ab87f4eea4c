"""Which device teachnet computes on: CUDA when there is one, else the CPU.

The environment variable ``TEACHNET_DEVICE`` (``cpu``, ``cuda``, ``cuda:1``)
overrides the choice, so a whole lesson or test run can be moved with one
setting.
"""
import os

import torch


def get_device() -> torch.device:
    """The device teachnet puts new weights, optimizer state and batches on."""
    requested = os.environ.get("TEACHNET_DEVICE", "").strip()
    if not requested:
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return resolve_device(requested, source="TEACHNET_DEVICE")


def resolve_device(requested, source="device") -> torch.device:
    """Turn ``"cpu"``, ``"cuda"``, ``"cuda:1"`` or a ``torch.device`` into a usable device.

    Asking for CUDA where there is none is a ``ValueError`` that says so,
    rather than the error torch raises at the first tensor created there.
    """
    try:
        device = torch.device(requested)
    except (RuntimeError, TypeError) as err:
        raise ValueError(
            f"{source}={requested!r} is not a device; expected 'cpu', 'cuda' or 'cuda:N'"
        ) from err
    if device.type == "cuda":
        if not torch.cuda.is_available():
            raise ValueError(f"{source}={requested!r} asks for CUDA, but torch sees no CUDA device here")
        count = torch.cuda.device_count()
        if device.index is not None and device.index >= count:
            raise ValueError(f"{source}={requested!r}: there are only {count} CUDA device(s)")
    elif device.type != "cpu":
        raise ValueError(f"{source}={requested!r}: teachnet runs on 'cpu' or 'cuda', not {device.type!r}")
    return device
