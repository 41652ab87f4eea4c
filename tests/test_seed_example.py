"""The course text's Keras example, run on teachnet with only its imports changed.

The code is read from the seed text itself. One fix: the text writes
``model.add(dense(...))`` in lower case, which fails on Keras too
(``NameError: name 'dense' is not defined``): the class is ``Dense``.
"""
import re
from pathlib import Path

import keras
import numpy as np
import pytest
import torch
from sklearn.datasets import make_moons

# The seed text lives in shared/ beside the repository; tests/data keeps a copy
# of it so that the test also runs in a checkout without shared/.
ROOT = Path(__file__).resolve().parents[1]
SEED_TEXT = next(
    path for path in (
        ROOT.parent / "shared" / "seed" / "000_176061ace919fd94.txt",
        ROOT / "tests" / "data" / "course_text.txt",
    ) if path.exists()
)
X, Y = make_moons(1000, noise=0.2, random_state=0)

# Keras's own noise when run on torch (input_shape on a layer; NumPy 2's copy keyword).
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning:keras", "ignore::DeprecationWarning:keras")


def seed_code():
    """The example's lines (imports, ``model = Sequential()``, the ``model.add`` calls), as the text gives them."""
    lines = [line.strip().strip("`") for line in SEED_TEXT.read_text(encoding="utf-8").splitlines()]
    code = [line for line in lines if re.match(r"(from keras\.|model = |model\.add\()", line)]
    assert len(code) == 6, f"expected the example's 6 lines of code in the seed text, found {code}"
    return "\n".join(code)


def on(framework, code):
    """``code`` with its imports switched to ``framework`` and the text's ``dense(`` typo fixed."""
    return code.replace("from keras.", f"from {framework}.").replace("model.add(dense(", "model.add(Dense(")


def run(code):
    namespace = {}
    exec(compile(code, str(SEED_TEXT), "exec"), namespace)
    return namespace["model"]


def test_the_typo_fails_on_keras_too():
    with pytest.raises(NameError, match="'dense' is not defined"):
        run(seed_code())


def test_the_seed_example_runs_on_teachnet_end_to_end():
    torch.manual_seed(0)
    model = run(on("teachnet", seed_code()))
    assert [(layer.name, layer.units, layer.activation_name) for layer in model.layers] == [
        ("dense", 10, "relu"), ("dense_1", 5, "relu"), ("dense_2", 1, "relu"),
    ]
    # The text compiles with a loss and an optimizer, fits with a validation split, predicts.
    # Its output unit is a relu, so a regression loss suits it.
    model.compile(loss="mean_squared_error", optimizer="adam", metrics=["mae"])
    history = model.fit(X, Y, epochs=3, validation_split=0.2, verbose=0)
    assert set(history.history) == {"loss", "mae", "val_loss", "val_mae"}
    assert history.history["loss"][-1] < history.history["loss"][0], history.history["loss"]
    prediction = model.predict(X[:5])
    assert prediction.shape == (5, 1) and torch.isfinite(prediction).all() and (prediction >= 0).all()


def test_the_same_script_reaches_keras_validation_accuracy():
    # The example with a sigmoid output for binary cross-entropy, run the same way on both.
    code = on("{framework}", seed_code())
    code = code[: code.rindex("activation='relu'")] + "activation='sigmoid'))"
    code += (
        "\nmodel.compile(loss='binary_crossentropy', optimizer='adam', metrics=['accuracy'])"
        "\nhistory = model.fit(x, y, epochs=20, batch_size=32, validation_split=0.2, verbose=0)"
    )
    accuracy = {}
    for framework in ("keras", "teachnet"):
        keras.utils.set_random_seed(0)  # seeds Python, NumPy and torch
        namespace = {"x": X.astype(np.float32), "y": Y.astype(np.float32)}
        exec(compile(code.format(framework=framework), "seed example", "exec"), namespace)
        accuracy[framework] = namespace["history"].history["val_accuracy"][-1]
    assert accuracy["keras"] > 0.8 and accuracy["teachnet"] > 0.8, f"validation accuracy too low: {accuracy}"
    assert abs(accuracy["keras"] - accuracy["teachnet"]) <= 0.05, f"validation accuracies differ: {accuracy}"
