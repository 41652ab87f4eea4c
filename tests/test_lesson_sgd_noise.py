"""The sgd_noise lesson (quick mode): smaller batches make the training loss fluctuate more."""

LESSON = "sgd_noise"


def test_writes_its_figure(lesson_run):
    out, _ = lesson_run
    assert (out / "sgd_noise.png").stat().st_size > 10_000, f"sgd_noise.png missing or empty in {out}"


def test_variance_falls_as_the_batch_grows(lesson_run):
    _, f = lesson_run
    assert f["variance_batch_1"] > 10 * f["variance_batch_32"] > 100 * f["variance_full_batch"], (
        "the loss should fluctuate far more with batch 1 than 32, and with 32 than the full batch: variances "
        f"{f['variance_batch_1']:.3g}, {f['variance_batch_32']:.3g}, {f['variance_full_batch']:.3g}"
    )
    assert f["noisier_with_smaller_batches"] is True


def test_batch_one_steps_often_raise_the_loss_full_batch_never(lesson_run):
    _, f = lesson_run
    assert f["loss_up_fraction_batch_1"] > 0.3, (
        f"with batch 1 only {f['loss_up_fraction_batch_1']:.0%} of steps raised the training loss"
    )
    assert f["loss_up_fraction_full_batch"] == 0, (
        f"full-batch gradient descent raised the loss on {f['loss_up_fraction_full_batch']:.0%} of steps"
    )


def test_all_batch_sizes_end_near_the_same_loss(lesson_run):
    _, f = lesson_run
    finals = [f["final_loss_batch_1"], f["final_loss_batch_32"], f["final_loss_full_batch"]]
    assert max(finals) - min(finals) < 0.05, (
        f"noise is not failure: after the same number of steps the final training losses should be close, got "
        f"batch 1 {finals[0]:.4f}, batch 32 {finals[1]:.4f}, full batch {finals[2]:.4f}"
    )
