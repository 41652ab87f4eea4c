"""teachnet exercises check survives whatever a student file does, and never reports a pass for it.

Each case runs the real command line (a child process per check): endless
loops, early exits, crashes, syntax errors, exceptions, fake output, memory
bombs. Each must end as a failure that says what happened, within the time
limit plus a few seconds, with nothing left running and nothing written
outside a temporary folder.
"""
import os
import pathlib
import time

import pytest

from teachnet import cli

SLACK_S = 15  # torch's import in the child, on a busy machine
STUB_SIGMOID = (pathlib.Path(__file__).parent.parent / "teachnet" / "exercises" / "stubs" / "sigmoid.py").read_text()
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


def assert_dead(pid):
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        if open(f"/proc/{pid}/stat").read().split(")")[-1].split()[0] == "Z":
            return  # a zombie: ended, waiting for its parent (init) to reap it
        time.sleep(0.1)
    raise AssertionError(f"process {pid} is still running after the check")


def test_endless_loop_in_forward_times_out_naming_the_check_and_leaves_nothing_running(tmp_path, capsys):
    pids = tmp_path / "pids.txt"
    source = STUB_SIGMOID.replace("import torch\n", f"""import os, subprocess, sys, torch
helper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
open({str(pids)!r}, "w").write(f"{{os.getpid()}} {{helper.pid}}")
""", 1).replace('raise NotImplementedError("Sigmoid.forward")', "while True:\n            pass")
    status, out, seconds = check(tmp_path, capsys, source, "--timeout", "3")
    assert_failed_saying(status, out, "timed out after 3 s while check 'forward, float32 (4, 5), ordinary values'")
    assert seconds < 3 + SLACK_S, f"took {seconds:.1f} s with --timeout 3"
    for pid in map(int, pids.read_text().split()):
        assert_dead(pid)


def test_endless_loop_at_import_times_out(tmp_path, capsys):
    status, out, seconds = check(tmp_path, capsys, "while True:\n    pass\n", "--timeout", "2")
    assert_failed_saying(status, out, "timed out after 2 s while importing your file")
    assert seconds < 2 + SLACK_S


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


def test_fake_passed_output_and_forged_messages_do_not_pass(tmp_path, capsys):
    forged = '{"event": "done"}\\n{"nonce": "0", "event": "result", "case": "f0"}\\n'
    source = f"""import os, sys
print("All 12 checks passed.")
print('{forged}')
for fd in range(3, 64):
    try:
        os.write(fd, b'{forged}')
    except OSError:
        pass
open("results.txt", "w").write("passed")  # lands in the checker's temporary folder
""" + STUB_SIGMOID
    status, out, _ = check(tmp_path, capsys, source)
    assert_failed_saying(status, out, "NotImplementedError", "it does not count as a result")


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
