"""One name -> object registry, behind every ``get()`` in teachnet.

Activations, losses, initializers, optimizers and metrics all look names up
the same way: case-insensitive, aliases allowed, a callable passes through,
and an unknown name is a ``ValueError`` that lists the known ones.
"""
import torch


class Registry:
    def __init__(self, kind, plural=None):
        self.kind = kind
        self.plural = plural or f"{kind}s"
        self._objects = {}

    def register(self, *names):
        """Decorator: file the object under each of ``names``."""

        def add(obj):
            for name in names:
                self._objects[name.lower()] = obj
            return obj

        return add

    def get(self, name_or_callable):
        """The object registered as ``name_or_callable``; a callable is returned as it is."""
        if isinstance(name_or_callable, type) and issubclass(name_or_callable, torch.autograd.Function):
            # The class is callable too, but calling it makes a Function object, not a tensor.
            cls = name_or_callable.__name__
            raise TypeError(
                f"{cls} is an autograd Function class, not a {self.kind} function: give the "
                f"{self.kind}'s name or its lower-case function, or {cls}.apply"
            )
        if callable(name_or_callable):
            return name_or_callable
        if isinstance(name_or_callable, str):
            found = self._objects.get(name_or_callable.lower())
            if found is not None:
                return found
        raise ValueError(
            f"unknown {self.kind} {name_or_callable!r}; known {self.plural}: {', '.join(self.names())}"
        )

    def name_of(self, obj):
        """The first name ``obj`` was registered under, or None (used when saving models)."""
        for name, registered in self._objects.items():
            if registered is obj:
                return name
        return None

    def label(self, obj):
        """What to call ``obj`` in files and messages: its registered name, else its ``__name__``."""
        return self.name_of(obj) or getattr(obj, "__name__", type(obj).__name__)

    def names(self):
        return sorted(self._objects)

    def __contains__(self, name):
        return isinstance(name, str) and name.lower() in self._objects
