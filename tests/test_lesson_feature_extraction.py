"""The feature_extraction lesson, quick mode: trained hidden features beat raw inputs for a linear model."""
import pytest

LESSON = "feature_extraction"


def test_features_make_the_circles_linearly_separable(lesson_run):
    _, f = lesson_run
    assert f["circles_raw_accuracy"] < 0.6, f"no line separates two rings, got {f['circles_raw_accuracy']:.3f}"
    assert f["circles_trained_features_accuracy"] > 0.9, (
        f"logistic regression on the trained features should separate the rings, "
        f"got {f['circles_trained_features_accuracy']:.3f}"
    )


@pytest.mark.parametrize("dataset", ["circles", "moons"])
def test_trained_features_beat_raw_and_untrained(lesson_run, dataset):
    _, f = lesson_run
    trained = f[f"{dataset}_trained_features_accuracy"]
    for baseline in ("raw", "untrained_features"):
        assert trained > f[f"{dataset}_{baseline}_accuracy"], (
            f"{dataset}: trained features {trained:.3f} should beat {baseline} {f[f'{dataset}_{baseline}_accuracy']:.3f}"
        )


@pytest.mark.parametrize("dataset", ["circles", "moons"])
def test_trained_features_give_the_networks_accuracy_back(lesson_run, dataset):
    _, f = lesson_run
    difference = f[f"{dataset}_trained_features_minus_network_accuracy"]
    assert abs(difference) <= 0.03, (
        f"{dataset}: logistic regression on the trained features ({f[f'{dataset}_trained_features_accuracy']:.3f}) "
        f"should match the network itself ({f[f'{dataset}_network_accuracy']:.3f})"
    )


def test_untrained_features_help_the_circles_not_the_moons(lesson_run):
    _, f = lesson_run
    assert f["circles_gain_from_untrained_features"] > 0.2, (
        f"random ReLU features should bend the boundary around the rings: gain over raw inputs "
        f"{f['circles_gain_from_untrained_features']:.3f}"
    )
    assert f["moons_gain_from_untrained_features"] < 0.05, (
        f"random ReLU features should hardly help on the moons: gain over raw inputs "
        f"{f['moons_gain_from_untrained_features']:.3f}"
    )


def test_figure_is_written(lesson_run):
    out, _ = lesson_run
    assert (out / f"{LESSON}.png").stat().st_size > 0, f"{LESSON}.png missing in {out}"
