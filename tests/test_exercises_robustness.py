"""teachnet exercises check survives whatever a student file does, and never reports a pass for it.

Each case runs the real command line (a child process per check): endless
loops, early exits, crashes, syntax errors, exceptions, fake output, memory
bombs. Each must end as a failure that says what happened, within the time
limit plus a few seconds, with nothing left running and nothing written
outside a temporary folder.
"""
import json
import os
import pathlib
import signal
import time
import tracemalloc

import pytest

from teachnet import cli
from teachnet.exercises import _child, get, runner

WALL_LIMIT_S = 60  # far below an endless run, far above torch's import in the child on a busy machine
STUB_SIGMOID = get("sigmoid").stub_text()
SOLUTION_SIGMOID = (pathlib.Path(__file__).parent / "exercise_solutions" / "sigmoid.py").read_text()


def check(tmp_path, capsys, source, *options, name="sigmoid"):
    """(exit status, output, seconds) of `teachnet exercises check` on ``source``; the file must stay as it was."""
    work = tmp_path / "work"
    work.mkdir()
    path = work / "attempt.py"
    path.write_text(source)
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    cwd = os.getcwd()
    os.chdir(work)
    try:
        start = time.monotonic()
        status = cli.main(["exercises", "check", name, "attempt.py", *options])
        seconds = time.monotonic() - start
    finally:
        os.chdir(cwd)
    out = capsys.readouterr().out
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before, "check changed the student's file"
    assert sorted(os.listdir(work)) == ["attempt.py"], f"check wrote next to the student's file: {os.listdir(work)}"
    return status, out, seconds


def assert_failed_saying(status, out, *phrases):
    assert status == 1, f"exit status {status}, expected 1:\n{out}"
    assert "All " not in out.splitlines()[-1], out
    for phrase in phrases:
        assert phrase in out, f"the report does not say {phrase!r}:\n{out}"


def assert_dead(pid, what):
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0] == "Z":
            return  # a zombie: ended, waiting for its parent (init) to reap it
        time.sleep(0.1)
    os.kill(pid, signal.SIGKILL)  # the student's file started it for this test: do not leave it behind
    raise AssertionError(f"{what} (pid {pid}) was still running after the check")


def test_endless_loop_in_forward_times_out_naming_the_check_and_leaves_nothing_running(tmp_path, capsys):
    pids = tmp_path / "pids.txt"
    source = STUB_SIGMOID.replace("import torch\n", f"""import os, subprocess, sys, torch
sleep = [sys.executable, "-c", "import time; time.sleep(120)"]
helper = subprocess.Popen(sleep)
runaway = subprocess.Popen(sleep, start_new_session=True)  # setsid: out of the child's process group
open({str(pids)!r}, "w").write(f"{{os.getpid()}} {{helper.pid}} {{runaway.pid}}")
""", 1).replace('raise NotImplementedError("Sigmoid.forward")', "while True:\n            pass")
    status, out, seconds = check(tmp_path, capsys, source, "--timeout", "3")
    assert_failed_saying(status, out, "timed out after 3 s while check 'forward, float32 (4, 5), ordinary values'")
    assert seconds < WALL_LIMIT_S, f"took {seconds:.1f} s with --timeout 3"
    whats = ["the student's process", "its child in its process group", "its child in a session of its own"]
    for pid, what in zip(map(int, pids.read_text().split()), whats):
        assert_dead(pid, what)


def test_endless_loop_at_import_times_out(tmp_path, capsys):
    status, out, seconds = check(tmp_path, capsys, "while True:\n    pass\n", "--timeout", "2")
    assert_failed_saying(status, out, "timed out after 2 s while importing your file")
    assert seconds < WALL_LIMIT_S, f"took {seconds:.1f} s with --timeout 2"


def test_printing_forever_stops_at_the_output_cap(tmp_path, capsys):
    sizes = tmp_path / "sizes.txt"
    source = f"""import os
while True:
    print("x" * 65536)
    open({str(sizes)!r}, "w").write(str(os.fstat(1).st_size))
"""
    status, out, seconds = check(tmp_path, capsys, source, "--timeout", "5")
    assert_failed_saying(status, out, "your file wrote too much output (the limit is 16 MB) while importing your file")
    assert "timed out" not in out, out
    assert int(sizes.read_text()) <= runner.OUTPUT_LIMIT_BYTES, f"the output file grew to {sizes.read_text()} bytes"
    assert max(map(len, out.splitlines())) < 300, "the report prints the student's long lines whole"


def test_only_the_tail_of_the_output_is_read(tmp_path):
    big = tmp_path / "output.txt"
    with open(big, "wb") as file:
        file.seek(64 * 2**20)  # sparse: 64 MB long, nothing on disk
        file.write(b"the end")
    tracemalloc.start()
    try:
        with open(big, "rb") as file:
            got = runner.tail(file, 4000)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(got) == 4000 and got.endswith(b"the end"), got[-20:]
    assert peak < 2**20, f"reading the tail of a 64 MB file allocated {peak / 2**20:.1f} MB"


def test_os_exit_zero_is_a_failure(tmp_path, capsys):
    source = STUB_SIGMOID.replace('raise NotImplementedError("Sigmoid.forward")', "import os; os._exit(0)")
    status, out, _ = check(tmp_path, capsys, source)
    assert_failed_saying(status, out, "ended early with exit status 0 while check 'forward", "os._exit()")


def test_sys_exit_zero_at_import_is_a_failure(tmp_path, capsys):
    status, out, _ = check(tmp_path, capsys, "import sys\nprint('All 12 checks passed.')\nsys.exit(0)\n")
    assert_failed_saying(status, out, "your code called sys.exit(0) at line 3 while importing your file")


def test_syntax_error_names_its_line(tmp_path, capsys):
    status, out, _ = check(tmp_path, capsys, "import torch\n\ndef f(:\n    pass\n")
    assert_failed_saying(status, out, "syntax error at line 3")


def test_exception_at_import_is_named_with_its_line(tmp_path, capsys):
    status, out, _ = check(tmp_path, capsys, "import torch\nscale = 1 / 0\n")
    assert_failed_saying(status, out, "raised ZeroDivisionError at line 2 while importing your file")


def correct_messages(name):
    """Every message the child sends for the correct solution of ``name``: what a forger would send."""
    events = []
    path = pathlib.Path(__file__).parent / "exercise_solutions" / f"{name}.py"
    _child.run_plan(dict(get(name).plan(), student_file=str(path)),
                    lambda event, **fields: events.append({"event": event, **fields}))
    assert [e["event"] for e in events][-1] == "done", "test set-up: the correct solution did not finish"
    return events


def test_forged_messages_and_fake_passed_output_do_not_pass(tmp_path, capsys):
    """A file that sends, at import, the very messages a correct solution produces (with a guessed nonce)
    to every file descriptor, prints "passed" and exits 0 must fail without a single PASS."""
    forged = "\n" + "".join(json.dumps(dict(event, nonce="0" * 16)) + "\n" for event in correct_messages("sigmoid"))
    source = f"""import os, sys
FORGED = {forged.encode()!r}
print("All 12 checks passed.", flush=True)
for fd in range(3, 1024):
    try:
        os.write(fd, FORGED)
    except OSError:
        pass
open("results.txt", "w").write("passed")  # lands in the checker's temporary folder
os._exit(0)
"""
    status, out, _ = check(tmp_path, capsys, source)
    assert_failed_saying(status, out, "ended early with exit status 0 while importing your file",
                         "it does not count as a result")
    assert "PASS" not in out, f"a forged message counted:\n{out}"


def test_a_message_with_another_nonce_is_dropped():
    run = runner.ChildRun()
    for nonce in ("0" * 16, None, 7):
        line = json.dumps({"nonce": nonce, "event": "done"}).encode()
        runner._accept(run, line, "feedfacecafebeef")
    assert run.events == [], f"messages with the wrong nonce were accepted: {run.events}"
    runner._accept(run, json.dumps({"nonce": "feedfacecafebeef", "event": "done"}).encode(), "feedfacecafebeef")
    assert run.finished, "a message with the right nonce was dropped"


def test_no_file_name_argument_or_variable_of_the_child_reveals_the_nonce(tmp_path, capsys, monkeypatch):
    nonce = "feedfacecafebeef"
    monkeypatch.setattr(runner.secrets, "token_hex", lambda n: nonce)
    seen = tmp_path / "seen.txt"
    source = f"""import os, sys
folder = os.path.dirname(os.path.abspath(__file__))
open({str(seen)!r}, "w").write(repr([__file__, sys.argv, os.listdir(folder), dict(os.environ),
                                     open("/proc/self/cmdline", "rb").read()]))
"""
    status, out, _ = check(tmp_path, capsys, source)
    assert_failed_saying(status, out, "your file defines no Sigmoid")
    assert seen.exists() and nonce not in seen.read_text(), seen.read_text()


def test_memory_bomb_at_import_fails_as_out_of_memory(tmp_path, capsys):
    status, out, seconds = check(tmp_path, capsys, "hoard = bytearray(3 * 2**30)\n", "--memory", "2000")
    assert_failed_saying(status, out, "ran out of memory at line 1 while importing your file (the limit is 2000 MB)")


def test_memory_bomb_in_forward_fails_as_out_of_memory(tmp_path, capsys):
    source = SOLUTION_SIGMOID.replace("e = torch.exp(-x.abs())  # never overflows",
                                      "e = torch.exp(-x.abs()) + torch.zeros(2**31)[0]")
    status, out, _ = check(tmp_path, capsys, source, "--memory", "2000")
    assert_failed_saying(status, out, "ran out of memory at line 7 while running forward")


def test_a_crash_of_the_interpreter_is_a_failure(tmp_path, capsys):
    status, out, _ = check(tmp_path, capsys, "import ctypes\nctypes.string_at(0)\n")
    assert_failed_saying(status, out, "the process crashed (SIGSEGV) while importing your file")


def test_missing_file_and_unknown_exercise_are_clear_errors(tmp_path, capsys):
    assert cli.main(["exercises", "check", "sigmoid", str(tmp_path / "nope.py")]) == 2
    assert cli.main(["exercises", "check", "sigmoidd", str(tmp_path / "nope.py")]) == 2
    err = capsys.readouterr().err
    assert "no file" in err and "unknown exercise 'sigmoidd'" in err, err


@pytest.mark.parametrize("source, said", [
    ("import teachnet\n", "teachnet is not available while checking an exercise"),
    ("x = 1\n", "your file defines no Sigmoid"),
])
def test_import_of_teachnet_is_refused_and_a_missing_name_is_named(tmp_path, capsys, source, said):
    status, out, _ = check(tmp_path, capsys, source)
    assert_failed_saying(status, out, said)
