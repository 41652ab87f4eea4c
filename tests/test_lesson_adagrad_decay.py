"""The adagrad_decay lesson (quick mode): Adagrad's rate shrinks as 1/sqrt(sum g^2) and it falls behind."""

LESSON = "adagrad_decay"


def test_figures_written(lesson_run):
    out, _ = lesson_run
    for name in ("adagrad_decay.png", "adagrad_lr_tuning.png"):
        assert (out / name).stat().st_size > 10_000, f"{name} missing or empty in {out}"


def test_adagrad_rate_is_lr_over_root_of_summed_squared_gradients(lesson_run):
    _, f = lesson_run
    assert f["adagrad_lr_formula_max_rel_error"] < 1e-5, (
        "Adagrad's effective_learning_rates() differs from lr / (sqrt(sum g^2) + eps) computed from the "
        f"gradients: largest relative gap {f['adagrad_lr_formula_max_rel_error']:.3g}"
    )


def test_adagrad_rate_only_shrinks_while_the_others_level_off(lesson_run):
    _, f = lesson_run
    assert f["adagrad_lr_first_over_last"] > 5, f"Adagrad's median rate fell only {f['adagrad_lr_first_over_last']:.3g}x"
    assert f["adagrad_lr_decay_slope"] < -0.4, (
        f"Adagrad's rate should fall like step^-1/2 or faster; log-log slope {f['adagrad_lr_decay_slope']:.3g}"
    )
    for other in ("rmsprop", "adadelta"):
        assert f[f"{other}_lr_decay_slope"] > f["adagrad_lr_decay_slope"] + 0.2, (
            f"{other}'s rate decays as fast as Adagrad's in the second half: slope "
            f"{f[f'{other}_lr_decay_slope']:.3g} against {f['adagrad_lr_decay_slope']:.3g}"
        )


def test_adagrad_falls_behind_rmsprop_and_adadelta(lesson_run):
    _, f = lesson_run
    for other in ("rmsprop", "adadelta"):
        assert f["adagrad_loss_left_fraction"] > 2 * f[f"{other}_loss_left_fraction"], (
            f"Adagrad keeps {f['adagrad_loss_left_fraction']:.2f} of its initial loss, {other} "
            f"{f[f'{other}_loss_left_fraction']:.2f}: Adagrad should be far behind"
        )


def test_keras_adadelta_default_barely_moves(lesson_run):
    _, f = lesson_run
    assert f["adadelta_keras_loss_left_fraction"] > 0.99, (
        f"Adadelta at Keras's lr 0.001 removed {1 - f['adadelta_keras_loss_left_fraction']:.3%} of the loss; "
        "it should barely move"
    )


def test_adagrad_still_needs_its_learning_rate_tuned(lesson_run):
    _, f = lesson_run
    assert f["adagrad_final_loss_worst_over_best"] > 3, (
        f"Adagrad's final loss over lr 0.01..10 varies only {f['adagrad_final_loss_worst_over_best']:.3g}x"
    )


def test_rmsprop_and_adadelta_rates_stay_within_a_small_range(lesson_run):
    _, f = lesson_run
    assert f["rmsprop_lr_max_over_min_after_step_100"] < 1.5, (
        f"RMSprop's rate should level off once its average has filled up: after step 100 it still moves "
        f"{f['rmsprop_lr_max_over_min_after_step_100']:.3g}x"
    )
    assert f["adadelta_lr_max_over_min"] < 0.5 * f["adagrad_lr_max_over_min"], (
        f"Adadelta's rate should stay in a far narrower range than Adagrad's: "
        f"{f['adadelta_lr_max_over_min']:.3g}x against {f['adagrad_lr_max_over_min']:.3g}x"
    )


def test_adagrad_default_lr_is_the_worst_of_the_sweep(lesson_run):
    _, f = lesson_run
    assert f["adagrad_worst_lr"] == 0.01, (
        f"Adagrad at torch's default lr 0.01 should end worst of the sweep, got lr {f['adagrad_worst_lr']}"
    )
