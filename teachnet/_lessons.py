"""``teachnet lessons``: run lesson scripts, collect their figures and findings.

Each lesson is the module ``lessons.<name>`` (installed beside teachnet). It
runs top to bottom as ``__main__``, exactly as ``python lessons/<name>.py``
would, with its settings passed through the environment (see
``teachnet.lessonkit``).
"""
import contextlib
import io
import os
import pkgutil
import runpy
import sys
import time

import torch

from .device import resolve_device
from .lessonkit import read_findings

# The course order: ops, then optimizers, then what networks learn.
LESSONS = (
    "vanishing_gradients",
    "dead_relu",
    "mae_vs_mse",
    "hinge_and_crossentropy",
    "sgd_noise",
    "adagrad_decay",
    "adam_convergence",
    "feature_extraction",
    "pretrained_reuse",
    "more_data",
)


def known_lessons():
    """The lessons in course order, then any other module found in ``lessons/``."""
    import lessons

    found = {m.name for m in pkgutil.iter_modules(lessons.__path__) if not m.name.startswith("_")}
    return [name for name in LESSONS if name in found] + sorted(found - set(LESSONS))


@contextlib.contextmanager
def _environment(**values):
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update({key: value for key, value in values.items() if value is not None})
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def run_lesson(name, out="figures", quick=False, device=None):
    """Run one lesson and return its findings ``{finding: value}``."""
    os.environ.setdefault("MPLBACKEND", "Agg")
    import matplotlib.pyplot as plt

    settings = {"TEACHNET_OUT": str(out), "TEACHNET_QUICK": "1" if quick else "0"}
    if device is not None:
        settings["TEACHNET_DEVICE"] = str(device)
    threads = torch.get_num_threads()  # a lesson sets one thread; the caller gets its own back
    with _environment(**settings):
        try:
            runpy.run_module(f"lessons.{name}", run_name="__main__", alter_sys=False)
        finally:
            plt.close("all")
            torch.set_num_threads(threads)
    return read_findings(out).get(name, {})


def run_lessons(names, out="figures", device=None, quick=False):
    """Run ``names`` (all lessons when empty), print findings; the CLI's exit status."""
    if device is not None:
        try:
            device = resolve_device(device, source="--device")
        except ValueError as err:
            print(f"teachnet lessons: {err}", file=sys.stderr)
            return 2
    known = known_lessons()
    unknown = [name for name in names if name not in known]
    if unknown:
        print(
            f"teachnet lessons: unknown lesson {', '.join(map(repr, unknown))}; "
            f"known lessons: {', '.join(known)}",
            file=sys.stderr,
        )
        return 2

    from tqdm import tqdm

    chosen = list(names) or known
    progress = tqdm(chosen, desc="lessons", unit="lesson", file=sys.stderr)
    for name in progress:
        progress.set_postfix_str(name)
        started = time.perf_counter()
        # A lesson prints as it goes (for the notebook reader); here its findings,
        # printed below, say the same in one place.
        with contextlib.redirect_stdout(io.StringIO()):
            findings = run_lesson(name, out=out, quick=quick, device=device)
        seconds = time.perf_counter() - started
        lines = "\n".join(f"    {key}: {_show(value)}" for key, value in findings.items())
        progress.write(f"{name} ({seconds:.1f} s)\n{lines}")
    print(f"figures and findings.json written to {out}/")
    return 0


def _show(value):
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)
