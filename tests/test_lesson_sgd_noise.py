"""The sgd_noise lesson (quick mode): smaller batches make the training loss fluctuate more."""
import pytest

from teachnet._lessons import run_lesson


@pytest.fixture(scope="module")
def findings(tmp_path_factory):
    out = tmp_path_factory.mktemp("sgd_noise")
    found = run_lesson("sgd_noise", out=out, quick=True)
    assert (out / "sgd_noise.png").stat().st_size > 10_000, f"sgd_noise.png missing or empty in {out}"
    return found


def test_variance_falls_as_the_batch_grows(findings):
    f = findings
    assert f["variance_batch_1"] > 10 * f["variance_batch_32"] > 100 * f["variance_full_batch"], (
        "the loss should fluctuate far more with batch 1 than 32, and with 32 than the full batch: variances "
        f"{f['variance_batch_1']:.3g}, {f['variance_batch_32']:.3g}, {f['variance_full_batch']:.3g}"
    )
    assert f["noisier_with_smaller_batches"] is True


def test_batch_one_steps_often_raise_the_loss_full_batch_never(findings):
    f = findings
    assert f["loss_up_fraction_batch_1"] > 0.3, (
        f"with batch 1 only {f['loss_up_fraction_batch_1']:.0%} of steps raised the training loss"
    )
    assert f["loss_up_fraction_full_batch"] == 0, (
        f"full-batch gradient descent raised the loss on {f['loss_up_fraction_full_batch']:.0%} of steps"
    )
