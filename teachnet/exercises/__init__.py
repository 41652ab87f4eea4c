"""Reference-checked exercises: students re-derive the core pieces, teachnet checks them.

``teachnet exercises start NAME`` writes a stub (``stubs/NAME.py``),
``teachnet exercises check NAME FILE`` runs the file in a child process
(``runner.py``, ``_child.py``) and judges what it sends back against torch
and teachnet (``functions.py`` and ``steps.py``; the exercises themselves are
declared in ``ops.py`` and ``optimizers.py``).
"""
from .._registry import Registry
from . import ops, optimizers

REGISTRY = Registry("exercise")
for _exercise in ops.EXERCISES + optimizers.EXERCISES:
    REGISTRY.register(_exercise.name)(_exercise)


def get(name):
    """The exercise called ``name`` (ValueError listing the known names)."""
    return REGISTRY.get(name)


def names():
    return [exercise.name for exercise in ops.EXERCISES + optimizers.EXERCISES]
