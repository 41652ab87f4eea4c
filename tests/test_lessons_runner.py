"""The lesson runner gives its caller back the torch settings a lesson changes."""
import runpy

import torch

from teachnet import _lessons


def test_run_lesson_restores_the_callers_thread_count(monkeypatch, tmp_path):
    def lesson_that_sets_one_thread(name, run_name, alter_sys):
        torch.set_num_threads(1)

    monkeypatch.setattr(runpy, "run_module", lesson_that_sets_one_thread)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    try:
        _lessons.run_lesson("any", out=tmp_path, quick=True)
        assert torch.get_num_threads() == 2, "run_lesson should restore the caller's thread count"
    finally:
        torch.set_num_threads(before)
