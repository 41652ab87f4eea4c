"""One name -> object registry, behind every ``get()`` in teachnet.

Activations, losses, initializers, optimizers and metrics all look names up
the same way: case-insensitive, aliases allowed, a callable passes through,
and an unknown name is a ``ValueError`` that lists the known ones.
"""


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

    def names(self):
        return sorted(self._objects)

    def __contains__(self, name):
        return isinstance(name, str) and name.lower() in self._objects
