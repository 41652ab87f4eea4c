"""Shared test set-up: Keras on its torch backend, and the device under test.

``TEACHNET_DEVICE=cuda pytest`` runs the whole suite on the GPU.
"""
import os

os.environ.setdefault("KERAS_BACKEND", "torch")

import pytest  # noqa: E402
import torch  # noqa: E402

import teachnet as tn  # noqa: E402


@pytest.fixture
def device():
    return tn.get_device()


@pytest.fixture(autouse=True)
def _seeded():
    torch.manual_seed(0)
