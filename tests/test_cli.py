"""The ``teachnet`` command line: info, and the lesson runner's errors."""
import subprocess
import sys

import pytest
import torch

import teachnet as tn
from teachnet import _lessons, cli


def run_cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "teachnet", *args], capture_output=True, text=True, timeout=120
    )


def test_info_prints_versions_and_device(capsys):
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    for expected in (f"teachnet {tn.__version__}", f"torch {torch.__version__}", "Python 3.", "device"):
        assert expected in out, f"`teachnet info` should print {expected!r}; it printed:\n{out}"


def test_python_dash_m_is_the_same_command():
    result = run_cli("info")
    assert result.returncode == 0, result.stderr
    assert f"torch {torch.__version__}" in result.stdout


def test_unknown_lesson_lists_the_known_ones(capsys):
    assert cli.main(["lessons", "no_such_lesson", "--quick"]) != 0
    err = capsys.readouterr().err
    assert "no_such_lesson" in err, f"the error should name the unknown lesson: {err}"
    for name in _lessons.known_lessons():
        assert name in err, f"the error should list the known lesson {name!r}: {err}"


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message for a machine without CUDA")
def test_lessons_on_missing_cuda_is_one_line_without_traceback():
    result = run_cli("lessons", "--quick", "--device", "cuda")
    assert result.returncode != 0, "asking for CUDA where there is none must fail"
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "CUDA" in lines[0], f"expected one line naming CUDA, got:\n{result.stderr}"
    assert "Traceback" not in result.stderr


def test_bad_device_string_is_one_line():
    result = run_cli("lessons", "--quick", "--device", "tpu")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "--device" in result.stderr, result.stderr
