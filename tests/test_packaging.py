"""teachnet installs as a plain (non-editable) package with its lessons and exercise stubs."""
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from teachnet import _lessons

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(folder), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (path,) = folder.glob("teachnet-*.whl")
    return path


def test_wheel_carries_the_lessons_and_stubs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for lesson in _lessons.LESSONS:
        assert f"lessons/{lesson}.py" in names, f"the wheel lacks lessons/{lesson}.py"
    stubs = [n for n in names if n.startswith("teachnet/exercises/stubs/") and n.endswith(".py")]
    assert stubs, "the wheel lacks the exercise stubs"
    assert any(n.endswith("entry_points.txt") for n in names)


def test_lessons_run_from_a_plain_install(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = dict(os.environ, PYTHONPATH=str(target), MPLBACKEND="Agg")
    lesson = "hinge_and_crossentropy"
    result = subprocess.run(
        [sys.executable, "-m", "teachnet", "lessons", lesson, "--quick", "--out", "out"],
        cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr
    findings = json.loads((elsewhere / "out" / "findings.json").read_text())
    assert findings.get(lesson), f"{lesson} recorded no findings from a plain install: {findings}"
    imported_from = subprocess.run(
        [sys.executable, "-c", "import lessons, teachnet; print(lessons.__file__, teachnet.__file__)"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True,
    ).stdout
    assert str(target) in imported_from and str(ROOT) not in imported_from, imported_from
