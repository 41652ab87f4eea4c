"""The adam_convergence lesson (quick mode): Adam is among the fastest optimizers at the same lr."""

LESSON = "adam_convergence"


def test_writes_its_figure(lesson_run):
    out, _ = lesson_run
    assert (out / "adam_convergence.png").stat().st_size > 10_000, f"adam_convergence.png missing in {out}"


def test_adam_is_among_the_fastest(lesson_run):
    _, f = lesson_run
    assert f["steps_to_target_adam"] > 0, f"Adam never reached the target loss (final {f['final_loss_adam']:.3g})"
    assert f["adam_rank"] <= 2, f"Adam ranked {f['adam_rank']} of 6 at lr 0.01; expected among the first two"
    for slow in ("sgd", "momentum", "adagrad"):
        assert f[f"final_loss_{slow}"] > 2 * f["final_loss_adam"], (
            f"{slow} ended at {f[f'final_loss_{slow}']:.3g}, Adam at {f['final_loss_adam']:.3g}: "
            "Adam should be far ahead"
        )


def test_adam_default_lr_is_slower_than_lr_001(lesson_run):
    _, f = lesson_run
    assert f["final_loss_adam_default_lr"] > 2 * f["final_loss_adam"], (
        f"Adam at lr 0.001 ended at {f['final_loss_adam_default_lr']:.3g}, at lr 0.01 at {f['final_loss_adam']:.3g}"
    )


def test_keras_adadelta_default_does_not_learn(lesson_run):
    _, f = lesson_run
    assert f["steps_to_target_adadelta_keras"] == -1
    assert f["adadelta_keras_final_over_chance_loss"] > 0.9, (
        f"Adadelta at Keras's lr 0.001 got to {f['adadelta_keras_final_over_chance_loss']:.3g} x the chance-level "
        "loss; it should barely move"
    )
    assert f["adadelta_keras_final_over_first_epoch_loss"] > 0.95, (
        f"Adadelta at Keras's lr 0.001 lowered its loss to {f['adadelta_keras_final_over_first_epoch_loss']:.3g} x "
        "its first epoch's; it should barely move"
    )
    assert f["final_loss_adadelta"] < 0.5 * f["final_loss_adadelta_keras"], (
        f"Adadelta at lr 1.0 ({f['final_loss_adadelta']:.3g}) should be far below lr 0.001 "
        f"({f['final_loss_adadelta_keras']:.3g})"
    )


def test_momentum_helps_plain_sgd(lesson_run):
    _, f = lesson_run
    assert f["final_loss_sgd"] > 2 * f["final_loss_momentum"], (
        f"SGD ended at {f['final_loss_sgd']:.3g}, SGD with momentum 0.9 at {f['final_loss_momentum']:.3g}: "
        "momentum should be far ahead"
    )
    assert f["momentum_rank"] < f["sgd_rank"], (
        f"SGD with momentum ranked {f['momentum_rank']}, plain SGD {f['sgd_rank']}; momentum should be ahead"
    )
