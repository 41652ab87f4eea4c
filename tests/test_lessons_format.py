"""Every lesson is a jupytext percent-format notebook that runs top to bottom in a fresh interpreter."""
import json
import os
import subprocess
import sys
from pathlib import Path

import jupytext
import pytest

from teachnet import _lessons

LESSONS_DIR = Path(__file__).resolve().parents[1] / "lessons"


@pytest.mark.parametrize("name", _lessons.LESSONS)
def test_lesson_is_a_percent_notebook(name):
    path = LESSONS_DIR / f"{name}.py"
    assert path.exists(), f"lesson {name} is missing: {path}"
    assert "format_name: percent" in path.read_text(), f"{path} lacks the jupytext percent header"
    notebook = jupytext.read(path)
    kinds = [cell.cell_type for cell in notebook.cells]
    assert kinds.count("markdown") >= 2, f"{name} should explain itself in markdown cells, found {kinds}"
    assert kinds.count("code") >= 2, f"{name} has too few code cells: {kinds}"


@pytest.mark.parametrize("name", _lessons.LESSONS)
def test_lesson_notebook_runs_top_to_bottom(name, tmp_path):
    """The notebook's code cells, in order, in a fresh interpreter (as a new kernel would)."""
    notebook = jupytext.read(LESSONS_DIR / f"{name}.py")
    cells = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    program = "\n\n".join(cells)
    env = dict(os.environ, TEACHNET_QUICK="1", TEACHNET_OUT=str(tmp_path), MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, "-c", program], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{name} failed as a notebook:\n{result.stderr[-3000:]}"
    findings = json.loads((tmp_path / "findings.json").read_text())
    assert findings.get(name), f"{name} recorded no findings when run as a notebook"
    assert list(tmp_path.glob("*.png")), f"{name} drew no figure when run as a notebook"


def test_a_lesson_runs_as_a_script(tmp_path):
    name = "hinge_and_crossentropy"
    env = dict(os.environ, TEACHNET_QUICK="1", TEACHNET_OUT=str(tmp_path), MPLBACKEND="Agg")
    result = subprocess.run(
        [sys.executable, str(LESSONS_DIR / f"{name}.py")], cwd=tmp_path, env=env,
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert name in json.loads((tmp_path / "findings.json").read_text())
