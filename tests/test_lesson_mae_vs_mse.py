"""The mae_vs_mse lesson, quick mode: outliers pull the MSE fit, not the MAE fit."""

LESSON = "mae_vs_mse"


def test_mae_fit_stays_on_the_true_line(lesson_run):
    _, f = lesson_run
    assert f["mae_slope_error"] < 0.2 and f["mae_intercept_error"] < 0.3, (
        f"MAE should ignore the outliers and find y = 2x + 1, got slope {f['mae_slope']:.3f}, "
        f"intercept {f['mae_intercept']:.3f}"
    )


def test_mse_fit_is_pulled_by_the_outliers(lesson_run):
    _, f = lesson_run
    assert f["mse_slope_error"] > 0.5, (
        f"MSE should be tilted by the outliers on the right, got slope {f['mse_slope']:.3f} (true 2)"
    )
    assert f["mse_line_error"] > 5 * f["mae_line_error"], (
        f"the MSE line should be far farther from the truth than the MAE line: "
        f"{f['mse_line_error']:.3f} vs {f['mae_line_error']:.3f}"
    )


def test_training_reaches_each_loss_minimiser(lesson_run):
    _, f = lesson_run
    for name in ("mae", "mse"):
        assert f[f"{name}_slope_gap_to_exact"] < 0.2, (
            f"{name} training stopped {f[f'{name}_slope_gap_to_exact']:.3f} away from the exact minimiser's slope"
        )


def test_figure_is_written(lesson_run):
    out, _ = lesson_run
    assert (out / f"{LESSON}.png").stat().st_size > 0, f"{LESSON}.png missing in {out}"


def test_mse_line_is_far_farther_from_the_truth_than_mae(lesson_run):
    _, f = lesson_run
    assert f["mse_over_mae_line_error"] > 5, (
        f"the MSE line should be many times farther from y = 2x + 1 than the MAE line, "
        f"got {f['mse_over_mae_line_error']:.3g}x"
    )
    assert f["mse_outlier_distance_min"] > 10, (
        f"every outlier should sit far off the MSE line (and pull hard on it), "
        f"nearest {f['mse_outlier_distance_min']:.3g}"
    )
