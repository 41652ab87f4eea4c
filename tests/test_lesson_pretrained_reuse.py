"""The pretrained_reuse lesson, quick mode: reuse helps a related task and hurts an unrelated one."""
import pytest

LESSON = "pretrained_reuse"


@pytest.mark.parametrize("mode", ["frozen", "finetuned"])
def test_reuse_beats_scratch_when_the_target_needs_the_source_features(lesson_run, mode):
    _, f = lesson_run
    assert f[f"parity_{mode}_accuracy"] > f["parity_scratch_accuracy"] + 0.02, (
        f"digits -> odd/even with 2 labels per digit: {mode} {f[f'parity_{mode}_accuracy']:.3f} "
        f"should beat scratch {f['parity_scratch_accuracy']:.3f}"
    )


def test_reuse_loses_on_digits_the_source_never_saw(lesson_run):
    _, f = lesson_run
    scratch = f["unseen_digits_scratch_accuracy"]
    assert f["unseen_digits_frozen_accuracy"] < scratch - 0.1, (
        f"0-4 -> 5-9: frozen 0-4 features {f['unseen_digits_frozen_accuracy']:.3f} should trail scratch {scratch:.3f}"
    )
    assert f["unseen_digits_finetuned_accuracy"] < scratch, (
        f"0-4 -> 5-9: fine-tuned {f['unseen_digits_finetuned_accuracy']:.3f} should not beat scratch {scratch:.3f}"
    )


def test_linear_probe_explains_the_difference(lesson_run):
    _, f = lesson_run
    assert f["parity_probe_on_reused_features_accuracy"] > f["parity_probe_on_pixels_accuracy"], (
        "the all-digit features should carry parity better than raw pixels"
    )
    assert f["unseen_digits_probe_on_reused_features_accuracy"] < f["unseen_digits_probe_on_pixels_accuracy"] - 0.03, (
        "the 0-4 features should have lost information that tells 5-9 apart"
    )


def test_figure_is_written(lesson_run):
    out, _ = lesson_run
    assert (out / f"{LESSON}.png").stat().st_size > 0, f"{LESSON}.png missing in {out}"


@pytest.mark.parametrize("k", [1, 2, 5])
def test_reuse_gains_or_loses_at_every_label_count(lesson_run, k):
    _, f = lesson_run
    for mode in ("frozen", "finetuned"):
        gain = f[f"parity_{mode}_gain_{k}_per_digit"]
        assert gain > 0, f"digits -> odd/even with {k} labels per digit: {mode} should beat scratch, gain {gain:.3f}"
    loss = f[f"unseen_digits_frozen_gain_{k}_per_digit"]
    assert loss < -0.1, f"0-4 -> 5-9 with {k} labels per digit: frozen should trail scratch far, gain {loss:.3f}"
