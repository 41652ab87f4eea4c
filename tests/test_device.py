"""get_device(): CUDA when there is one, TEACHNET_DEVICE overrides, clear errors otherwise."""
import pytest
import torch

import teachnet as tn
from teachnet.device import resolve_device


@pytest.fixture
def no_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)


@pytest.fixture
def one_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 1)


def test_default_follows_cuda_availability(monkeypatch):
    monkeypatch.delenv("TEACHNET_DEVICE", raising=False)
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert tn.get_device().type == expected, f"get_device() is {tn.get_device()}, expected {expected}"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    assert tn.get_device() == torch.device("cpu")


@pytest.mark.parametrize("value", ["cpu", " cpu ", "CPU"])
def test_environment_variable_overrides(monkeypatch, value):
    monkeypatch.setenv("TEACHNET_DEVICE", value)
    if value == "CPU":  # torch device names are lower case
        with pytest.raises(ValueError, match="TEACHNET_DEVICE='CPU'"):
            tn.get_device()
        return
    assert tn.get_device() == torch.device("cpu")


def test_empty_environment_variable_means_the_default(monkeypatch, no_cuda):
    monkeypatch.setenv("TEACHNET_DEVICE", "  ")
    assert tn.get_device() == torch.device("cpu")


def test_cuda_override_is_honoured_where_there_is_cuda(monkeypatch, one_cuda):
    monkeypatch.setenv("TEACHNET_DEVICE", "cuda:0")
    assert tn.get_device() == torch.device("cuda:0")


@pytest.mark.parametrize("value", ["cuda", "cuda:1"])
def test_cuda_where_there_is_none_is_a_clear_error(monkeypatch, no_cuda, value):
    monkeypatch.setenv("TEACHNET_DEVICE", value)
    with pytest.raises(ValueError, match=f"TEACHNET_DEVICE='{value}' asks for CUDA, but torch sees no CUDA device"):
        tn.get_device()


def test_a_cuda_index_beyond_the_devices_is_a_clear_error(monkeypatch, one_cuda):
    monkeypatch.setenv("TEACHNET_DEVICE", "cuda:3")
    with pytest.raises(ValueError, match=r"TEACHNET_DEVICE='cuda:3': there are only 1 CUDA device"):
        tn.get_device()


@pytest.mark.parametrize("value", ["gpu", "banana", "cuda:x"])
def test_a_bad_string_is_a_clear_error(monkeypatch, value):
    monkeypatch.setenv("TEACHNET_DEVICE", value)
    with pytest.raises(ValueError, match=f"TEACHNET_DEVICE='{value}' is not a device; expected 'cpu', 'cuda'"):
        tn.get_device()


def test_other_device_types_are_refused():
    with pytest.raises(ValueError, match="teachnet runs on 'cpu' or 'cuda', not 'meta'"):
        resolve_device("meta")


def test_resolve_device_accepts_torch_devices_and_names_its_source(no_cuda):
    assert resolve_device(torch.device("cpu")) == torch.device("cpu")
    with pytest.raises(ValueError, match=r"--device='cuda'"):
        resolve_device("cuda", source="--device")
