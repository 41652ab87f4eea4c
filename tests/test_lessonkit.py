"""The lesson kit: settings from the environment, atomic findings that merge."""
import json

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402

from teachnet.lessonkit import Lesson, read_findings  # noqa: E402


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TEACHNET_QUICK", "1")
    monkeypatch.setenv("TEACHNET_OUT", str(tmp_path))
    lesson = Lesson("demo")
    assert lesson.quick and lesson.out == tmp_path
    assert lesson.pick(full=100, quick=3) == 3
    monkeypatch.setenv("TEACHNET_QUICK", "0")
    assert Lesson("demo").pick(full=100, quick=3) == 100


def test_a_lesson_is_seeded(monkeypatch, tmp_path):
    monkeypatch.setenv("TEACHNET_OUT", str(tmp_path))
    Lesson("demo")
    first = torch.rand(3)
    Lesson("demo")
    assert torch.equal(first, torch.rand(3)), "Lesson() should seed torch so lessons repeat exactly"


def test_findings_merge_across_lessons_and_calls(monkeypatch, tmp_path):
    monkeypatch.setenv("TEACHNET_OUT", str(tmp_path))
    Lesson("one").record(a=1.5, ok=True)
    two = Lesson("two")
    two.record(b=torch.tensor(2.0))
    two.record(c=3)
    assert read_findings(tmp_path) == {"one": {"a": 1.5, "ok": True}, "two": {"b": 2.0, "c": 3}}
    assert json.loads((tmp_path / "findings.json").read_text())["one"]["ok"] is True
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "temporary files left behind"


def test_findings_refuse_prose(monkeypatch, tmp_path):
    monkeypatch.setenv("TEACHNET_OUT", str(tmp_path))
    with pytest.raises(TypeError, match="finding 'claim'"):
        Lesson("demo").record(claim="adam is best")


def test_save_figure_writes_a_png(monkeypatch, tmp_path):
    monkeypatch.setenv("TEACHNET_OUT", str(tmp_path / "figs"))
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    path = Lesson("demo").save_figure(fig, "demo.png")
    plt.close(fig)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["demo.png"]
