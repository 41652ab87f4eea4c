"""``teachnet exercises list | start NAME [PATH] | check NAME PATH``."""
import os
import sys

from . import get, names
from .runner import run_child

DEFAULT_MEMORY_MB = 4096  # address space for the child: torch itself takes about 1 GB of it


def run(args):
    """Run one ``exercises`` action; the exit status."""
    try:
        if args.action == "list":
            return list_exercises()
        exercise = get(args.name)
    except ValueError as error:
        print(f"teachnet exercises: {error}", file=sys.stderr)
        return 2
    if args.action == "start":
        return start(exercise, args.path)
    return check(exercise, args.path, args.timeout, getattr(args, "memory", None) or DEFAULT_MEMORY_MB)


def list_exercises():
    width = max(map(len, names()))
    for name in names():
        exercise = get(name)
        print(f"{name:<{width}}  {exercise.symbol}: {exercise.summary}")
    return 0


def start(exercise, path=None):
    path = path or f"{exercise.name}.py"
    if os.path.exists(path):
        print(f"teachnet exercises: {path} exists already; not overwriting it "
              f"(check it with `teachnet exercises check {exercise.name} {path}`, or give another path)",
              file=sys.stderr)
        return 1
    try:
        with open(path, "x") as file:
            file.write(exercise.stub_text(path))
    except OSError as error:
        print(f"teachnet exercises: cannot write {path}: {error}", file=sys.stderr)
        return 1
    print(f"wrote {path}: define {exercise.symbol} there, then run `teachnet exercises check {exercise.name} {path}`")
    return 0


def check(exercise, path, timeout=20.0, memory_mb=DEFAULT_MEMORY_MB, out=None):
    """Check the file at ``path``, print one line per check to ``out`` (default stdout); the exit status."""
    out = out or sys.stdout
    if not os.path.isfile(path):
        print(f"teachnet exercises: no file {path}", file=sys.stderr)
        return 2
    print(f"checking {path} against the {exercise.name} exercise (time limit {timeout:g} s)", file=out, flush=True)
    run = run_child(path, exercise.plan(), timeout, memory_mb)
    checks = exercise.judge(run, timeout, memory_mb)
    for line in report_lines(checks):
        print(line, file=out)
    failed = sum(not c.passed for c in checks)
    if failed and run.output.strip():
        print("what your file printed (last lines; it does not count as a result):", file=out)
        for line in run.output.strip().splitlines()[-15:]:
            print(f"  | {line[:200]}{' ...' if len(line) > 200 else ''}", file=out)
    if failed:
        print(f"{len(checks) - failed} of {len(checks)} checks passed.", file=out)
        return 1
    print(f"All {len(checks)} checks passed.", file=out)
    return 0


def report_lines(checks):
    for check in checks:
        yield f"{'PASS' if check.passed else 'FAIL'}  {check.name}"
        for detail in check.details:
            yield f"        {detail}"
        if check.hint and not check.passed:
            yield f"        hint: {check.hint}"
