"""Writing files whole or not at all: a temporary file beside the target, then a rename.

A reader (or a crash) never sees half a saved model or half a findings.json:
``os.replace`` swaps the complete file in at once.
"""
import os
import tempfile


def write_atomically(path, write, binary=True):
    """Call ``write(file)`` on a temporary file in ``path``'s folder, then rename it to ``path``.

    The result gets the permissions an ordinary ``open(path, "w")`` would
    (``mkstemp`` makes its files private to their owner).
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb" if binary else "w") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.remove(temporary)
        raise
