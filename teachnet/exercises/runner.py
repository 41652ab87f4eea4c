"""Run a student's file in a child process and collect what it reports.

The trust boundary of the checker. The student's file is copied into a fresh
temporary folder and imported there by ``_child.py``, in a new session (its own
process group), with a memory cap, a cap on the size of the files it writes
and a time limit; its stdout and stderr go to a file in that folder, of which
only the last lines are read. Results come back only over a private pipe, each
message carrying a random nonce that appears in no file name or argument of
the child; this process never imports the student's code and never trusts what
the child prints. When the time is up, or the child is done, its whole process
group is killed, and with it every descendant seen in /proc (also those that
left the group with setsid), and the folder removed.

Limits: this is a teaching aid, not a sandbox. Code that inspects its own
process (its stack frames) can find the nonce; a descendant that detaches
(setsid and a double fork) between two looks at /proc escapes the kill.
"""
import json
import os
import secrets
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field

CHILD = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_child.py")
MAX_MESSAGES_BYTES = 64 * 2**20
OUTPUT_LIMIT_BYTES = 16 * 2**20  # RLIMIT_FSIZE of the child: what it prints, and any file it writes
OUTPUT_TAIL_BYTES = 4000
LOOK_EVERY_S = 0.5  # how often /proc is read for the child's descendants
STARTUP_S = 60.0  # for the child to import torch, before the student's time starts


@dataclass
class ChildRun:
    """What the checker saw of one child process."""

    events: list = field(default_factory=list)
    returncode: int = None
    timed_out: bool = False
    too_chatty: bool = False
    wrote_too_much: bool = False  # its output reached OUTPUT_LIMIT_BYTES
    output: str = ""
    running: str = None  # the step the child last said it was starting

    def first(self, event):
        return next((e for e in self.events if e["event"] == event), None)

    @property
    def finished(self):
        return self.first("done") is not None


def run_child(student_path, plan, timeout, memory_mb):
    """Run ``plan`` (JSON-able) against the file at ``student_path``; a ``ChildRun``."""
    folder = tempfile.mkdtemp(prefix="teachnet-check-")
    token = secrets.token_hex(8)
    process = family = None
    try:
        copy = os.path.join(folder, "solution.py")  # the folder is unique; the name must not reveal the nonce
        shutil.copyfile(student_path, copy)
        plan = dict(plan, nonce=token, student_file=copy)
        plan_path = os.path.join(folder, "plan.json")
        with open(plan_path, "w") as file:
            json.dump(plan, file)
        read_end, write_end = os.pipe()
        env = _child_environment(folder)
        with open(os.path.join(folder, "output.txt"), "w+b") as log:
            try:
                process = subprocess.Popen(
                    [sys.executable, "-I", "-B", CHILD, str(write_end), plan_path, str(int(memory_mb * 2**20)),
                     str(OUTPUT_LIMIT_BYTES)],
                    cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    pass_fds=(write_end,), start_new_session=True,
                )
            finally:
                os.close(write_end)
            family = Family(process.pid)
            run = _collect(process, family, read_end, token, timeout)
            run.wrote_too_much = (os.fstat(log.fileno()).st_size >= OUTPUT_LIMIT_BYTES
                                  or run.returncode == -signal.SIGXFSZ)
            run.output = tail(log, OUTPUT_TAIL_BYTES).decode("utf-8", "replace")
        return run
    finally:
        if family is not None:
            family.kill()
        if process is not None:
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def tail(file, size):
    """The last ``size`` bytes of the binary ``file``, without reading the rest."""
    file.seek(max(0, os.fstat(file.fileno()).st_size - size))
    return file.read(size)


def _child_environment(folder):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(TMPDIR=folder, TMP=folder, TEMP=folder, XDG_CACHE_HOME=folder, HOME=folder,
               CUDA_VISIBLE_DEVICES="", OMP_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def _collect(process, family, read_end, nonce, timeout):
    """Read the child's messages until it is done or out of time; the time limit starts with the student's file."""
    run = ChildRun()
    deadline = time.monotonic() + STARTUP_S + timeout
    student_started = False
    buffer, received = b"", 0
    try:
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                run.timed_out = True
                break
            ready, _, _ = select.select([read_end], [], [], min(left, LOOK_EVERY_S))
            family.look(every=LOOK_EVERY_S)
            if not ready:
                continue
            chunk = os.read(read_end, 1 << 16)
            if not chunk:
                break
            received += len(chunk)
            if received > MAX_MESSAGES_BYTES:
                run.too_chatty = True
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for line in lines:
                if _accept(run, line, nonce) == "importing your file" and not student_started:
                    student_started, deadline = True, time.monotonic() + timeout
    finally:
        os.close(read_end)
    if not (run.timed_out or run.too_chatty):
        try:
            process.wait(max(deadline - time.monotonic(), 0.01))
        except subprocess.TimeoutExpired:
            run.timed_out = True
    family.kill()
    run.returncode = process.wait()
    return run


def _accept(run, line, nonce):
    try:
        message = json.loads(line)
    except ValueError:
        return None
    if not isinstance(message, dict) or message.get("nonce") != nonce or not isinstance(message.get("event"), str):
        return None
    run.events.append(message)
    if message["event"] == "start":
        run.running = str(message.get("step"))
        return run.running
    return None


class Family:
    """The child and every descendant /proc has shown, each with its start time (a pid may be reused)."""

    def __init__(self, pid):
        self.pid = pid
        self.known = {}  # pid -> start time
        self._last_look = 0.0

    def look(self, every=0.0):
        """Add the descendants of the child, and of those seen before (setsid leaves the group, not the tree)."""
        if time.monotonic() - self._last_look < every:
            return
        self._last_look = time.monotonic()
        table = _process_table()
        children = {}
        for pid, (parent, _, _) in table.items():
            children.setdefault(parent, []).append(pid)
        todo = [self.pid, *self._alive(table)]
        while todo:
            for child in children.get(todo.pop(), ()):
                if self.known.get(child) != table[child][1]:
                    self.known[child] = table[child][1]
                    todo.append(child)

    def _alive(self, table):
        return [pid for pid, start in self.known.items()
                if pid in table and table[pid][1] == start and table[pid][2] != "Z"]

    def kill(self):
        """SIGKILL the child's process group and every descendant seen, until no new one shows up."""
        self.look()
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        for _ in range(10):
            alive = self._alive(_process_table())
            if not alive:
                return
            for pid in alive:
                try:
                    os.kill(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
            self.look()


def _process_table():
    """{pid: (parent pid, start time, state)} of every process in /proc (empty without /proc)."""
    table = {}
    try:
        entries = os.listdir("/proc")
    except OSError:
        return table
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as file:
                stat = file.read()
        except OSError:
            continue
        fields = stat[stat.rindex(b")") + 2:].split()  # the name in parentheses may hold spaces
        table[int(entry)] = (int(fields[1]), int(fields[19]), fields[0].decode())
    return table
