"""The more_data lesson, run in quick mode: every model gains from data, the network no more than the others."""
import pytest

from teachnet._lessons import run_lesson

MODELS = ("network", "logistic_regression", "random_forest")


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    out = tmp_path_factory.mktemp("more_data")
    findings = run_lesson("more_data", out=out, quick=True)
    assert (out / "more_data.png").stat().st_size > 10_000, "more_data.png is missing or empty"
    return findings


@pytest.mark.parametrize("model", MODELS)
def test_every_model_gains_from_more_data(findings, model):
    f = findings
    assert f[f"{model}_gain"] > 0.05, (
        f"{model}: accuracy should rise from {f['smallest_size']} to {f['largest_size']} images, "
        f"got {f[f'{model}_accuracy_smallest']:.3f} -> {f[f'{model}_accuracy_largest']:.3f}"
    )
    assert f[f"{model}_error_slope"] < -0.2, (
        f"{model}: the error rate should fall with the training-set size, slope {f[f'{model}_error_slope']:.3f}"
    )


def test_the_network_does_not_gain_more_than_the_classical_models(findings):
    f = findings
    gains = {model: round(f[f"{model}_gain"], 3) for model in MODELS}
    assert f["network_gains_most"] is False and f["network_gain"] < f["random_forest_gain"], (
        f"the lesson teaches that on digits the network gains no more than the random forest; gains {gains}"
    )


def test_no_model_pulls_away_at_the_largest_size(findings):
    f = findings
    best_classical = max(f["logistic_regression_accuracy_largest"], f["random_forest_accuracy_largest"])
    assert abs(f["network_accuracy_largest"] - best_classical) < 0.04, (
        f"at {f['largest_size']} images the network ({f['network_accuracy_largest']:.3f}) should be within "
        f"4 points of the best classical model ({best_classical:.3f})"
    )
