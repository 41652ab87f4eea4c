"""What every lesson shares: its settings, its figures and its findings.

A lesson is a script (and a notebook) that starts with ``lesson = Lesson("name")``.
Settings come from the environment so that the same file runs the same way
from ``teachnet lessons``, as ``python lessons/<name>.py`` and in Jupyter:

- ``TEACHNET_QUICK=1``: small, fast version (tests use it);
- ``TEACHNET_OUT``: folder for figures and ``findings.json`` (default ``figures/``);
- ``TEACHNET_DEVICE``: the device (read by ``tn.get_device()``).
"""
import json
import os
import random
from pathlib import Path

import numpy as np
import torch

from ._files import write_atomically
from .device import get_device

FINDINGS_FILE = "findings.json"


def _is_quick():
    return os.environ.get("TEACHNET_QUICK", "").strip().lower() in {"1", "true", "yes", "on"}


class Lesson:
    """Settings, figure saving and findings for the lesson ``name``.

    Creating it seeds Python, NumPy and torch, so a lesson is deterministic
    from its first line.
    """

    def __init__(self, name, seed=0):
        self.name = name
        self.quick = _is_quick()
        self.out = Path(os.environ.get("TEACHNET_OUT") or "figures")
        self.device = get_device()
        self.seed = seed
        self.findings = {}
        random.seed(seed)
        np.random.seed(seed)
        torch.manual_seed(seed)
        # A lesson's tensors are far too small to gain from intra-op threads;
        # on a small or busy machine those threads only wait on each other
        # (measured: a quick run of all lessons 10x slower with two threads).
        torch.set_num_threads(1)

    def pick(self, full, quick):
        """``quick`` in quick mode, else ``full`` (epochs, sample counts...)."""
        return quick if self.quick else full

    def save_figure(self, fig, filename):
        """Write ``fig`` as ``<out>/<filename>`` (PNG) and return the path."""
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / filename
        write_atomically(path, lambda file: fig.savefig(file, format="png", dpi=110, bbox_inches="tight"))
        return path

    def record(self, **findings):
        """Add measured findings (numbers or booleans) and write them to ``findings.json``.

        Each call rewrites this lesson's entry and keeps the other lessons'.
        """
        for key, value in findings.items():
            self.findings[key] = _plain(key, value)
        self.out.mkdir(parents=True, exist_ok=True)
        path = self.out / FINDINGS_FILE
        everything = read_findings(self.out)
        everything[self.name] = self.findings
        text = json.dumps(everything, indent=2, sort_keys=True) + "\n"
        write_atomically(path, lambda file: file.write(text), binary=False)
        return self.findings


def read_findings(out):
    """The ``{lesson: {finding: value}}`` dict in ``<out>/findings.json`` ({} if none)."""
    path = Path(out) / FINDINGS_FILE
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text())
    except json.JSONDecodeError:
        return {}


def _plain(key, value):
    if isinstance(value, torch.Tensor):
        value = value.item()
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        return value.item() if hasattr(value, "item") else value
    raise TypeError(f"finding {key!r} must be a number or a bool, got {type(value).__name__}")
