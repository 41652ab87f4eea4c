"""The feature_extraction lesson, quick mode: trained hidden features beat raw inputs for a linear model."""
import pytest

from teachnet._lessons import run_lesson

NAME = "feature_extraction"


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    out = tmp_path_factory.mktemp(NAME)
    return out, run_lesson(NAME, out=out, quick=True)


def test_features_make_the_circles_linearly_separable(findings):
    _, f = findings
    assert f["circles_raw_accuracy"] < 0.6, f"no line separates two rings, got {f['circles_raw_accuracy']:.3f}"
    assert f["circles_trained_features_accuracy"] > 0.9, (
        f"logistic regression on the trained features should separate the rings, "
        f"got {f['circles_trained_features_accuracy']:.3f}"
    )


@pytest.mark.parametrize("dataset", ["circles", "moons"])
def test_trained_features_beat_raw_and_untrained(findings, dataset):
    _, f = findings
    trained = f[f"{dataset}_trained_features_accuracy"]
    for baseline in ("raw", "untrained_features"):
        assert trained > f[f"{dataset}_{baseline}_accuracy"], (
            f"{dataset}: trained features {trained:.3f} should beat {baseline} {f[f'{dataset}_{baseline}_accuracy']:.3f}"
        )


def test_figure_is_written(findings):
    out, _ = findings
    assert (out / f"{NAME}.png").stat().st_size > 0, f"{NAME}.png missing in {out}"
