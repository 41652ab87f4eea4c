"""Run a student's file in a child process and collect what it reports.

The trust boundary of the checker. The student's file is copied into a fresh
temporary folder and imported there by ``_child.py``, in a new session (its own
process group), with a memory cap and a time limit; its stdout and stderr go to
a file in that folder. Results come back only over a private pipe, each message
carrying a random nonce; this process never imports the student's code and
never trusts what the child prints. When the time is up, or the child is done,
its whole process group is killed and the folder removed.
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
STARTUP_S = 60.0  # for the child to import torch, before the student's time starts


@dataclass
class ChildRun:
    """What the checker saw of one child process."""

    events: list = field(default_factory=list)
    returncode: int = None
    timed_out: bool = False
    too_chatty: bool = False
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
    process = None
    try:
        copy = os.path.join(folder, f"solution_{token}.py")
        shutil.copyfile(student_path, copy)
        plan = dict(plan, nonce=token, student_file=copy)
        plan_path = os.path.join(folder, f"plan_{token}.json")
        with open(plan_path, "w") as file:
            json.dump(plan, file)
        read_end, write_end = os.pipe()
        env = _child_environment(folder)
        with open(os.path.join(folder, f"output_{token}.txt"), "w+b") as log:
            try:
                process = subprocess.Popen(
                    [sys.executable, "-I", "-B", CHILD, str(write_end), plan_path, str(int(memory_mb * 2**20))],
                    cwd=folder, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                    pass_fds=(write_end,), start_new_session=True,
                )
            finally:
                os.close(write_end)
            run = _collect(process, read_end, token, timeout)
            log.seek(0)
            run.output = log.read()[-4000:].decode("utf-8", "replace")
        return run
    finally:
        if process is not None:
            _kill_group(process)
        shutil.rmtree(folder, ignore_errors=True)


def _child_environment(folder):
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")}
    env.update(TMPDIR=folder, TMP=folder, TEMP=folder, XDG_CACHE_HOME=folder, HOME=folder,
               CUDA_VISIBLE_DEVICES="", OMP_NUM_THREADS="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def _collect(process, read_end, nonce, timeout):
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
            ready, _, _ = select.select([read_end], [], [], left)
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
    _kill_group(process)
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


def _kill_group(process):
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    process.wait()
