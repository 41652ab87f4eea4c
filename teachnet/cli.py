"""The ``teachnet`` command: ``lessons``, ``exercises`` and ``info``."""
import argparse
import platform
import sys


def _info(args):
    import torch

    import teachnet
    from teachnet.device import get_device

    print(f"teachnet {teachnet.__version__}")
    print(f"torch {torch.__version__}")
    print(f"Python {platform.python_version()}")
    try:
        print(f"device {get_device()}")
    except ValueError as err:
        print(f"device: {err}")
        return 1
    return 0


def _lessons(args):
    from teachnet._lessons import run_lessons

    return run_lessons(args.names, out=args.out, device=args.device, quick=args.quick)


def _exercises(args):
    from teachnet.exercises.cli import run

    return run(args)


def build_parser():
    parser = argparse.ArgumentParser(prog="teachnet", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    info = commands.add_parser("info", help="versions of teachnet, torch and Python, and the device")
    info.set_defaults(handler=_info)

    lessons = commands.add_parser("lessons", help="run the lessons, draw their figures, print their findings")
    lessons.add_argument("names", nargs="*", help="lessons to run (all when none is named)")
    lessons.add_argument("--out", default="figures", help="folder for figures and findings.json (default: figures)")
    lessons.add_argument("--device", default=None, help="cpu, cuda or cuda:N (default: teachnet's choice)")
    lessons.add_argument("--quick", action="store_true", help="small, fast versions (for tests)")
    lessons.set_defaults(handler=_lessons)

    exercises = commands.add_parser("exercises", help="list, start and check the exercises")
    actions = exercises.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="the exercises and what each asks for")
    start = actions.add_parser("start", help="write the stub of an exercise")
    start.add_argument("name")
    start.add_argument("path", nargs="?", default=None)
    check = actions.add_parser("check", help="check a solution against teachnet's reference")
    check.add_argument("name")
    check.add_argument("path")
    check.add_argument("--timeout", type=float, default=20.0, help="seconds the student file may run (default 20)")
    check.add_argument("--memory", type=float, default=None, help="megabytes of address space the student file may use (default 4096)")
    exercises.set_defaults(handler=_exercises)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
