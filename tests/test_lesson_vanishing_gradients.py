"""The vanishing_gradients lesson, run in quick mode: sigmoid's gradient vanishes with depth, tanh's and ReLU's don't."""
import pytest

LESSON = "vanishing_gradients"


@pytest.mark.parametrize("name", ["vanishing_gradients.png", "activation_formulas.png"])
def test_writes_its_figures(lesson_run, name):
    out, _ = lesson_run
    assert (out / name).stat().st_size > 10_000, f"{name} is missing or empty"


def test_printed_formulas_are_wrong_and_corrected_ones_are_right(lesson_run):
    _, f = lesson_run
    for wrong in ("sigmoid_as_written", "tanh_as_written", "tanh_parenthesised_wrong_sign"):
        assert f[f"{wrong}_max_error"] > 1, (
            f"the course's formula read as {wrong} should be far from the true function, "
            f"max error {f[f'{wrong}_max_error']:.3g}"
        )
    for right in ("sigmoid_parenthesised", "tanh_corrected"):
        assert f[f"{right}_max_error"] < 1e-12, (
            f"the corrected formula {right} should match teachnet's activation, max error {f[f'{right}_max_error']:.3g}"
        )


def test_sigmoid_first_layer_gradient_is_orders_of_magnitude_below_the_last(lesson_run):
    _, f = lesson_run
    ratio = f["sigmoid_first_to_last_grad_ratio"]
    assert ratio < 1e-3, f"sigmoid's first/last hidden-layer gradient norm ratio should be < 1e-3, got {ratio:.3g}"
    assert 0.15 < f["sigmoid_grad_factor_per_layer"] <= 0.25, (
        f"each sigmoid layer should shrink the gradient by about its top slope 1/4, "
        f"got {f['sigmoid_grad_factor_per_layer']:.3g}"
    )


def test_tanh_gradient_fares_far_better_than_sigmoid(lesson_run):
    _, f = lesson_run
    assert f["tanh_first_to_last_grad_ratio"] > 1000 * f["sigmoid_first_to_last_grad_ratio"], (
        f"tanh's first/last gradient ratio {f['tanh_first_to_last_grad_ratio']:.3g} should be orders of magnitude "
        f"above sigmoid's {f['sigmoid_first_to_last_grad_ratio']:.3g}"
    )


def test_relu_with_he_init_keeps_gradients_within_an_order_of_magnitude(lesson_run):
    _, f = lesson_run
    ratio = f["relu_he_first_to_last_grad_ratio"]
    assert 0.1 <= ratio <= 10, f"ReLU+He first/last gradient ratio should lie in [0.1, 10], got {ratio:.3g}"


def test_only_the_sigmoid_network_fails_to_learn(lesson_run):
    _, f = lesson_run
    assert f["sigmoid_final_loss"] > 0.65, f"the sigmoid network should stay near ln 2, got {f['sigmoid_final_loss']:.3f}"
    for name in ("tanh", "relu_he"):
        assert f[f"{name}_final_loss"] < f["sigmoid_final_loss"] - 0.05, (
            f"the {name} network should learn where sigmoid does not: loss {f[f'{name}_final_loss']:.3f} "
            f"against sigmoid's {f['sigmoid_final_loss']:.3f}"
        )


def test_relu_with_glorot_init_gets_far_smaller_gradients_than_with_he(lesson_run):
    _, f = lesson_run
    assert f["relu_he_over_glorot_grad_min"] > 3, (
        f"every hidden layer's gradient should be several times larger with He init than with Glorot, "
        f"smallest ratio {f['relu_he_over_glorot_grad_min']:.3g}"
    )
