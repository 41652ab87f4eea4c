"""The more_data lesson, run in quick mode: every model gains from data, the network no more than the others."""
import pytest

LESSON = "more_data"
MODELS = ("network", "logistic_regression", "random_forest")


def test_writes_its_figure(lesson_run):
    out, _ = lesson_run
    assert (out / "more_data.png").stat().st_size > 10_000, "more_data.png is missing or empty"


@pytest.mark.parametrize("model", MODELS)
def test_every_model_gains_from_more_data(lesson_run, model):
    _, f = lesson_run
    assert f[f"{model}_gain"] > 0.05, (
        f"{model}: accuracy should rise from {f['smallest_size']} to {f['largest_size']} images, "
        f"got {f[f'{model}_accuracy_smallest']:.3f} -> {f[f'{model}_accuracy_largest']:.3f}"
    )
    assert f[f"{model}_error_slope"] < -0.2, (
        f"{model}: the error rate should fall with the training-set size, slope {f[f'{model}_error_slope']:.3f}"
    )


def test_the_network_does_not_gain_more_than_the_classical_models(lesson_run):
    _, f = lesson_run
    gains = {model: round(f[f"{model}_gain"], 3) for model in MODELS}
    assert f["network_gains_most"] is False and f["network_gain"] < f["random_forest_gain"], (
        f"the lesson teaches that on digits the network gains no more than the random forest; gains {gains}"
    )


def test_no_model_pulls_away_at_the_largest_size(lesson_run):
    _, f = lesson_run
    accuracies = {model: round(f[f"{model}_accuracy_largest"], 3) for model in MODELS}
    assert f["accuracy_spread_largest"] < 0.04, (
        f"at {f['largest_size']} images the three models should be within 4 points of each other: {accuracies}"
    )
    assert abs(f["network_minus_best_classical_largest"]) < 0.04, (
        f"at {f['largest_size']} images the network should be within 4 points of the best classical model: "
        f"{accuracies}"
    )


def test_the_network_is_not_behind_with_little_data(lesson_run):
    _, f = lesson_run
    accuracies = {model: round(f[f"{model}_accuracy_smallest"], 3) for model in MODELS}
    assert f["network_minus_best_classical_smallest"] > -0.05, (
        f"at {f['smallest_size']} images the network should be within 5 points of the best classical model: "
        f"{accuracies}"
    )
