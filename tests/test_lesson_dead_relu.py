"""The dead_relu lesson, run in quick mode: large-lr ReLU units die, leaky ones don't."""

LESSON = "dead_relu"


def test_writes_its_figure(lesson_run):
    out, _ = lesson_run
    assert (out / "dead_relu.png").stat().st_size > 10_000, "dead_relu.png is missing or empty"


def test_some_second_layer_units_are_dead_before_training(lesson_run):
    _, f = lesson_run
    assert f["relu_first_layer_dead_at_start"] == 0, (
        f"a first-layer unit on centred inputs cannot be dead at the start, got {f['relu_first_layer_dead_at_start']}"
    )
    assert f["relu_second_layer_dead_at_start"] > 0, "expected some second-layer ReLU units dead before training"


def test_large_learning_rate_kills_most_relu_units_and_stalls_accuracy(lesson_run):
    _, f = lesson_run
    assert f["relu_dead_fraction_large_lr"] > 0.5, (
        f"with lr 6 most ReLU units should die, got dead fraction {f['relu_dead_fraction_large_lr']:.3f}"
    )
    assert f["relu_accuracy_large_lr"] < 0.6, (
        f"with most units dead accuracy should stall near chance, got {f['relu_accuracy_large_lr']:.3f}"
    )


def test_leaky_relu_keeps_every_unit_alive(lesson_run):
    _, f = lesson_run
    assert f["leaky_dead_fraction_large_lr"] == 0, (
        f"leaky ReLU units should never be dead, got dead fraction {f['leaky_dead_fraction_large_lr']:.3f}"
    )
    assert f["leaky_accuracy_large_lr"] > f["relu_accuracy_large_lr"] + 0.1, (
        f"leaky ReLU at the same lr should learn where ReLU stalls: accuracy "
        f"{f['leaky_accuracy_large_lr']:.3f} against ReLU's {f['relu_accuracy_large_lr']:.3f}"
    )


def test_he_init_with_moderate_lr_keeps_most_units_alive(lesson_run):
    _, f = lesson_run
    assert f["he_dead_fraction_moderate_lr"] < 0.2, (
        f"He init with lr 0.5 should keep most units alive, got dead fraction {f['he_dead_fraction_moderate_lr']:.3f}"
    )
    assert f["he_accuracy_moderate_lr"] > 0.85, (
        f"He init with lr 0.5 should learn two moons, got accuracy {f['he_accuracy_moderate_lr']:.3f}"
    )


def test_he_init_starts_with_the_same_dead_fraction_as_glorot(lesson_run):
    _, f = lesson_run
    assert f["he_dead_fraction_at_start"] == f["relu_dead_fraction_at_start"], (
        f"He's draws are Glorot's scaled, so as many units should be dead at the start: "
        f"He {f['he_dead_fraction_at_start']:.3f}, Glorot {f['relu_dead_fraction_at_start']:.3f}"
    )


def test_he_init_at_the_large_lr_diverges(lesson_run):
    _, f = lesson_run
    assert f["he_large_lr_diverges"] is True, "He init at lr 6 should make the loss overflow (FloatingPointError)"
    assert f["he_large_lr_diverged_epoch"] in (1, 2, 3), (
        f"He init at lr 6 should overflow within the first epochs, got epoch {f['he_large_lr_diverged_epoch']}"
    )
