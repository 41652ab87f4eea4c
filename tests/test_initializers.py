"""Initializers against Keras's formulas and against samples from keras.initializers."""
import math

import pytest
import torch

from teachnet import initializers as I

# name -> (keras class name, (fan_in, fan_out) -> (bound on |w|, standard deviation of the samples))
FORMULAS = {
    "glorot_uniform": ("GlorotUniform", lambda i, o: (math.sqrt(6 / (i + o)), math.sqrt(6 / (i + o)) / math.sqrt(3))),
    "he_uniform": ("HeUniform", lambda i, o: (math.sqrt(6 / i), math.sqrt(6 / i) / math.sqrt(3))),
    # truncated at 2 stddev of the untruncated normal, stddev = formula / .8796...
    "glorot_normal": ("GlorotNormal", lambda i, o: (2 * math.sqrt(2 / (i + o)) / 0.87962566103423978,
                                                    math.sqrt(2 / (i + o)))),
    "he_normal": ("HeNormal", lambda i, o: (2 * math.sqrt(2 / i) / 0.87962566103423978, math.sqrt(2 / i))),
}
SHAPES = [(200, 300), (400, 50)]


@pytest.fixture(scope="module")
def keras():
    return pytest.importorskip("keras")


def sample_stats(w):
    w = w.double()
    return w.abs().max().item(), w.std().item(), w.mean().item()


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_random_initializers_follow_the_keras_formula(name, shape, device):
    bound, std = FORMULAS[name][1](*shape)
    w = I.get(name)(shape, device=device)
    assert w.shape == shape and w.dtype == torch.float32 and w.device.type == device.type
    largest, sample_std, mean = sample_stats(w)
    assert largest <= bound * (1 + 1e-6), f"{name}{shape}: |w| reaches {largest:.5f}, beyond the bound {bound:.5f}"
    assert largest > 0.97 * bound, f"{name}{shape}: |w| only reaches {largest:.5f}, the bound is {bound:.5f}"
    assert sample_std == pytest.approx(std, rel=0.03), f"{name}{shape}: std {sample_std:.5f}, formula {std:.5f}"
    assert abs(mean) < 0.05 * std, f"{name}{shape}: mean {mean:.5f} is not near 0"


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_random_initializers_match_keras_samples(name, keras, device):
    shape = SHAPES[0]
    # On the torch backend a Keras initializer returns a torch tensor.
    keras_w = torch.as_tensor(getattr(keras.initializers, FORMULAS[name][0])(seed=3)(shape)).cpu()
    keras_max, keras_std, _ = sample_stats(keras_w)
    ours_max, ours_std, _ = sample_stats(I.get(name)(shape, device=device))
    assert ours_max == pytest.approx(keras_max, rel=0.03), f"{name}: largest |w| {ours_max:.5f}, Keras {keras_max:.5f}"
    assert ours_std == pytest.approx(keras_std, rel=0.03), f"{name}: std {ours_std:.5f}, Keras {keras_std:.5f}"


@pytest.mark.parametrize("shape", [(7,), (3, 5), (3, 3, 4, 5), ()])
def test_fans_match_keras(shape, keras):
    from keras.src.initializers.random_initializers import compute_fans

    assert I.compute_fans(shape) == compute_fans(shape), f"fans of {shape}"


@pytest.mark.parametrize("dtype", [torch.float64, torch.float16, torch.bfloat16])
@pytest.mark.parametrize("name", sorted(FORMULAS) + ["zeros", "ones"])
def test_dtype_and_device_are_honoured(name, dtype, device):
    w = I.get(name)((20, 10), device=device, dtype=dtype)
    assert w.dtype == dtype and w.device.type == device.type and w.shape == (20, 10)
    assert torch.isfinite(w).all()


def test_zeros_and_ones(device):
    assert torch.equal(I.zeros((2, 3), device=device), torch.zeros(2, 3, device=device))
    assert torch.equal(I.ones(4, device=device), torch.ones(4, device=device))


@pytest.mark.parametrize("name", sorted(FORMULAS))
def test_global_seed_makes_initialization_repeatable(name, device):
    torch.manual_seed(7)
    first = I.get(name)((5, 4), device=device)
    torch.manual_seed(7)
    assert torch.equal(first, I.get(name)((5, 4), device=device)), f"{name} ignores torch.manual_seed"


def test_get_names_aliases_callables_and_unknowns():
    for name in ("glorot_uniform", "glorot_normal", "he_uniform", "he_normal", "zeros", "ones"):
        assert I.get(name) is getattr(I, name) and I.REGISTRY.name_of(getattr(I, name)) == name
    assert I.get("GlorotUniform") is I.glorot_uniform
    custom = lambda shape: torch.zeros(shape)  # noqa: E731
    assert I.get(custom) is custom
    with pytest.raises(ValueError, match="unknown initializer 'orthogonal'.*glorot_uniform"):
        I.get("orthogonal")
