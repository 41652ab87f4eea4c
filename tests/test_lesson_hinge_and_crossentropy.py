"""The hinge_and_crossentropy lesson, quick mode: the losses' numbers and the ReLU-output trap."""
import math

import pytest

LESSON = "hinge_and_crossentropy"


def test_hinge_grows_linearly(lesson_run):
    _, f = lesson_run
    got = (f["hinge_at_margin_minus1"], f["hinge_at_margin_minus2"], f["hinge_at_margin_minus4"])
    assert got == pytest.approx((2.0, 3.0, 5.0)), f"hinge at y f(x) = -1, -2, -4 should be 2, 3, 5, got {got}"
    assert f["hinge_max_second_difference"] == 0, (
        f"a linear loss has zero second differences, got {f['hinge_max_second_difference']}"
    )
    for end in ("min", "max"):
        assert f[f"hinge_gradient_when_violated_{end}"] == -1, (
            f"every violating point should get the same gradient, -1: the {end} is "
            f"{f[f'hinge_gradient_when_violated_{end}']}"
        )
    assert f["hinge_at_margin_0_5"] == pytest.approx(0.5), "inside the margin (y f(x) = 0.5) the hinge is 0.5, not 0"


def test_crossentropy_values_and_clipping(lesson_run):
    _, f = lesson_run
    expected = -math.log(0.01)
    for framework in ("teachnet", "torch"):
        got = f[f"bce_{framework}_p_0_01"]
        assert got == pytest.approx(expected, abs=1e-3), f"{framework} BCE at p=0.01: got {got}, expected {expected:.4f}"
    assert f["bce_teachnet_p_0"] == pytest.approx(-math.log(1e-7), abs=1e-3), (
        f"teachnet clips p at 1e-7 as Keras does, so BCE(p=0) should be 16.118, got {f['bce_teachnet_p_0']}"
    )
    assert f["bce_torch_p_0"] == pytest.approx(100.0), f"torch clamps the log at -100, got {f['bce_torch_p_0']}"
    assert f["bce_teachnet_gradient_p_0"] == 0, "the clipped loss has no gradient at p = 0"
    assert f["bce_torch_gradient_p_0"] < -1e11, (
        f"torch's clamped log still sends a huge gradient back at p = 0, got {f['bce_torch_gradient_p_0']:.3g}"
    )


def test_both_losses_train_a_classifier(lesson_run):
    _, f = lesson_run
    for loss in ("hinge", "bce"):
        assert f[f"{loss}_test_accuracy"] > 0.75, f"{loss} classifier on two moons: accuracy {f[f'{loss}_test_accuracy']}"


def test_relu_output_dies_where_sigmoid_does_not(lesson_run):
    _, f = lesson_run
    assert f["relu_output_dead_runs"] >= 1, (
        f"expected at least one of {f['relu_output_runs']} ReLU-output runs with p = 0 everywhere"
    )
    assert f["sigmoid_output_dead_runs"] == 0, "a sigmoid output should never be 0 for every point"
    assert 6 < f["relu_dead_run_final_loss"] < 10, (
        f"a dead run's loss should be 16.1 times the fraction of positives (~8), got {f['relu_dead_run_final_loss']}"
    )
    assert f["relu_output_points_above_one"] > 0.05, (
        f"a trained ReLU output should exceed 1 for some points, got {f['relu_output_points_above_one']}"
    )
    assert f["relu_output_points_without_gradient"] > f["sigmoid_output_points_without_gradient"] + 0.2
    assert f["relu_output_mean_test_accuracy"] < f["sigmoid_output_mean_test_accuracy"], (
        f"mean accuracy over initialisations: relu {f['relu_output_mean_test_accuracy']:.3f}, "
        f"sigmoid {f['sigmoid_output_mean_test_accuracy']:.3f}"
    )


def test_figures_are_written(lesson_run):
    out, _ = lesson_run
    for name in ("hinge_and_crossentropy_losses.png", "hinge_and_crossentropy_classifiers.png"):
        assert (out / name).stat().st_size > 0, f"{name} missing in {out}"
