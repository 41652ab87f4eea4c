"""What every exercise shares: its checks, and how a child's run becomes a list of them.

An ``Exercise`` builds a plan (the inputs, decided here, in the checker's
process), and judges the raw results the child sent back: one ``Check`` per
line of output. A check passes only when its result was received and matched;
every check the plan expects must be accounted for, so a child that ends early,
for whatever reason, fails the checks it did not report, and the first of them
says why it ended.
"""
import os
import signal
import textwrap
from dataclasses import dataclass, field

from .runner import OUTPUT_LIMIT_BYTES

STUB_HINT = "this part is still the stub: replace `raise NotImplementedError` by your code"
FUSED_OPTIMIZERS = {"_fused_sgd_", "_fused_adagrad_", "_fused_adam_", "_fused_adamw_"}  # refused everywhere
REFUSED_HINT = ("write it from elementary tensor ops (exp, log, where, clamp, matmul, sum, ...): "
                "the torch op this exercise reimplements is what your result is checked against")


@dataclass
class Check:
    name: str
    passed: bool
    details: list = field(default_factory=list)
    hint: str = None


@dataclass
class Case:
    """One run of the student's code in the child: ``payload`` travels, the rest stays here."""

    id: str
    kind: str  # "function", "gradcheck" or "step"
    label: str
    payload: dict
    data: dict = field(default_factory=dict)


class Exercise:
    """Subclasses give ``name``, ``symbol``, ``summary``, ``own_ops``, ``build_cases()`` and ``judge_case()``."""

    name = symbol = summary = None
    symbol_kind = "autograd.Function"  # what ``symbol`` must be: "autograd.Function" or "function"
    own_ops = ()  # names of the torch ops it reimplements (Python names, and aten names for the dispatcher)
    shortcuts = ()  # aten names of other torch ops that give its answer in a line

    def __init__(self):
        self._cases = None

    @property
    def cases(self):
        if self._cases is None:
            self._cases = self.build_cases()
        return self._cases

    stub_template = None  # the stub `start` writes, with {title}, {formula}, {path} and ``stub_fields()``

    def stub_path(self):
        """The file with this exercise's own part of the stub: its title line and its Formula section."""
        return os.path.join(os.path.dirname(os.path.abspath(__file__)), "stubs", f"{self.name}.py")

    def stub_text(self, path=None):
        """The stub that ``teachnet exercises start`` writes to ``path``: the exercise's title and formula
        (``stub_path()``) in the template its kind shares, with the task, the check and the signatures."""
        with open(self.stub_path()) as file:
            title, formula = file.read().strip().strip('"').strip().split("\n\n", 1)
        return self.stub_template.format(title=title, formula=formula, name=self.name, symbol=self.symbol,
                                         path=path or f"{self.name}.py", **self.stub_fields())

    def stub_fields(self):
        return {}

    def plan(self):
        """The JSON-able plan the child runs."""
        return {
            "symbol": self.symbol,
            "own_ops": list(self.own_ops),
            "refused_aten": sorted(set(self.own_ops) | set(self.shortcuts) | FUSED_OPTIMIZERS),
            "cases": [dict(case.payload, id=case.id, kind=case.kind, label=case.label) for case in self.cases],
        }

    def check_names(self, case):
        """The names of the checks ``case`` produces (one, or forward and backward)."""
        return [case.label]

    def judge(self, run, timeout, memory_mb):
        """The list of ``Check`` for a ``runner.ChildRun``."""
        ending = ending_of(run, timeout, memory_mb)
        checks = [self._judge_import(run, ending, memory_mb)]
        if not checks[0].passed:
            return checks + [Check(name, False, ["not run: your file could not be imported"])
                             for case in self.cases for name in self.check_names(case)]
        results = {event.get("case"): event for event in run.events if event["event"] == "result"}
        told = False
        for case in self.cases:
            result = results.get(case.id)
            if result is not None:
                checks += self.judge_case(case, result, memory_mb)
                continue
            for name in self.check_names(case):
                if not told and ending:
                    checks.append(Check(name, False, [ending[0]], ending[1]))
                    told = True
                else:
                    checks.append(Check(name, False, ["not run: " + (ending[0] if ending else "no result came back")]))
        return checks

    def _judge_import(self, run, ending, memory_mb):
        name = f"import your file and find {self.symbol}"
        failed = run.first("import_error")
        if failed is not None:
            refused = failed.get("refused") or []
            if refused:
                return Check(name, False, [refused_sentence(refused, self, failed.get("error"))], REFUSED_HINT)
            sentence, hint = error_sentence(failed.get("error") or {}, "importing your file", memory_mb)
            return Check(name, False, [sentence], hint)
        imported = run.first("imported")
        if imported is None:
            return Check(name, False, [ending[0] if ending else "the child process reported nothing"],
                         ending[1] if ending else None)
        found = imported.get("found")
        if found == "missing":
            return Check(name, False, [f"your file defines no {self.symbol}"],
                         f"keep the name from the stub (`teachnet exercises start {self.name}` writes one)")
        if found != self.symbol_kind:
            wanted = ("a subclass of torch.autograd.Function" if self.symbol_kind == "autograd.Function"
                      else "a function")
            return Check(name, False, [f"{self.symbol} is a {found}, expected {wanted}"])
        if imported.get("refused"):
            return Check(name, False, [refused_sentence(imported["refused"], self)], REFUSED_HINT)
        return Check(name, True)

    def error_check(self, name, error, phase, memory_mb, refused=()):
        """A failed check for an exception raised by the student's code (or a refused op)."""
        if refused:
            return Check(name, False, [refused_sentence(refused, self, error)], REFUSED_HINT)
        sentence, hint = error_sentence(error, phase, memory_mb)
        return Check(name, False, [sentence], self.hint_for_error(error) or hint)

    def hint_for_error(self, error):
        """A hint for an exception that the exercise recognizes (subclasses), else None."""
        return None


AUTOGRAD = ("torch.autograd.", "torch.func.", "torch.Tensor.backward")


def paragraph(text):
    """``text`` wrapped as an indented paragraph of a stub's docstring."""
    return textwrap.fill(text, width=79, initial_indent="    ", subsequent_indent="    ")


def refused_sentence(refused, exercise, error=None):
    """'calls torch.sigmoid, which this exercise reimplements (refused), at line 7' and the like."""
    own, shortcuts = ({name.rstrip("_") for name in names} for names in (exercise.own_ops, exercise.shortcuts))
    parts = []
    for op in refused:
        names = {part.rstrip("_") for part in op.split(".")}
        if op.startswith(AUTOGRAD):
            parts.append(f"{op}: the gradient must be derived by hand, not by autograd")
        elif names & own:
            parts.append(f"{op}, which this exercise reimplements")
        elif names & shortcuts:
            parts.append(f"{op}, a shortcut to what this exercise reimplements")
        else:
            parts.append(f"{op}, one of the torch ops these exercises reimplement")
    at = f", at line {error['line']}: `{error.get('code')}`" if (error or {}).get("line") else ""
    return "calls " + "; and ".join(parts) + " (refused)" + at


def error_sentence(error, phase, memory_mb):
    """(sentence, hint) for an exception the child described as ``error``."""
    kind, message = error.get("type", "an exception"), error.get("message", "")
    line = f" at line {error['line']}" if error.get("line") else ""
    code = f": `{error['code']}`" if error.get("code") else ""
    if kind == "SyntaxError" or kind == "IndentationError" or kind == "TabError":
        return (f"syntax error{line} of your file: {message}{code}",
                "fix the line Python points at (and the one above it)")
    if kind == "SystemExit":
        return (f"your code called sys.exit({message}){line} while {phase}",
                "a solution file defines things; it must not end the process")
    if kind == "MemoryError" or "can't allocate memory" in message or "not enough memory" in message:
        return (f"ran out of memory{line} while {phase} (the limit is {memory_mb:g} MB)",
                "something allocates far more than these small inputs need")
    if kind == "NotImplementedError":
        return f"raised NotImplementedError{line} while {phase}", STUB_HINT
    if kind == "Refused":
        return f"{message}{line}", REFUSED_HINT
    return f"raised {kind}{line} while {phase}: {message}{code}", None


def ending_of(run, timeout, memory_mb):
    """(sentence, hint) saying why the child stopped before it was done, or None if it finished."""
    where = f" while {run.running}" if run.running else ""
    if run.wrote_too_much and not run.finished:
        return (f"your file wrote too much output (the limit is {OUTPUT_LIMIT_BYTES // 2**20} MB){where}: "
                "the process was stopped", "a print inside a loop that never ends, or prints far too much?")
    if run.timed_out:
        return (f"timed out after {timeout:g} s{where} (the process was stopped)",
                "an endless loop, or far more work than these small inputs need?")
    if run.too_chatty:
        return f"sent far too much data to the checker{where}", None
    if run.finished:
        return None
    code = run.returncode
    if code is not None and code < 0:
        name = signal.Signals(-code).name if -code in signal.valid_signals() else f"signal {-code}"
        if -code == signal.SIGKILL:
            return (f"the process was killed ({name}){where}: out of memory? (the limit is {memory_mb:g} MB)",
                    "something allocates far more than these small inputs need")
        return f"the process crashed ({name}){where}", None
    if run.first("import_error") is not None or (run.first("imported") or {}).get("found") == "missing":
        return None
    return (f"the process ended early with exit status {code}{where}, before every check had reported",
            "does your file call os._exit() or sys.exit()? A solution file only defines things")
