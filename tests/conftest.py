"""Shared test set-up: Keras on its torch backend, and the device under test.

``TEACHNET_DEVICE=cuda pytest`` runs the whole suite on the GPU.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import pytest  # noqa: E402
import torch  # noqa: E402
from hypothesis import settings  # noqa: E402

import teachnet as tn  # noqa: E402


# The machines that run the suite are small and shared: torch's intra-op
# threads only contend there (the tests' tensors are too small to gain from
# them), which makes a Keras or teachnet fit ten or more times slower.
torch.set_num_threads(1)

# CI replays the same property-test examples on every run, so that whether main
# lands does not depend on the draw; at a desk each run explores new ones.
settings.register_profile("ci", derandomize=True)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture
def device():
    return tn.get_device()


@pytest.fixture(scope="module")
def lesson_run(request, tmp_path_factory):
    """Run the test module's lesson (named by its ``LESSON = "name"``) once, in quick mode.

    Returns ``(out_folder, findings)``: the folder holding its figures and
    ``findings.json``, and its findings dict.
    """
    from teachnet._lessons import run_lesson

    name = request.module.LESSON
    out = tmp_path_factory.mktemp(name)
    return out, run_lesson(name, out=out, quick=True)


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)


# The torch ops teachnet reimplements. An op's forward and backward must work
# with every one of these made to raise (API.md, "Ops").
REFERENCE_OPS = {
    torch: ["sigmoid", "tanh", "relu", "softmax", "log_softmax", "logsigmoid"],
    torch.special: ["expit", "log_softmax", "softmax"],
    torch.nn.functional: [
        "sigmoid", "tanh", "relu", "leaky_relu", "softmax", "log_softmax", "logsigmoid",
        "linear", "mse_loss", "l1_loss", "binary_cross_entropy",
        "binary_cross_entropy_with_logits", "cross_entropy", "nll_loss",
        "hinge_embedding_loss",
    ],
    torch.Tensor: ["sigmoid", "tanh", "relu", "softmax", "log_softmax"],
    torch.autograd: ["grad"],
}


@pytest.fixture
def forbid_reference_ops(monkeypatch):
    """Make every reimplemented torch op (and ``torch.autograd.grad``) raise while the test runs."""

    def forbidden(qualname):
        def raiser(*args, **kwargs):
            raise AssertionError(f"teachnet called the reference op {qualname}, which it must reimplement")

        return raiser

    for owner, names in REFERENCE_OPS.items():
        for name in names:
            if hasattr(owner, name):
                monkeypatch.setattr(owner, name, forbidden(f"{getattr(owner, '__name__', owner)}.{name}"))
    yield
