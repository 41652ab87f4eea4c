"""The one name registry behind every get(): names, aliases, callables, and clear refusals."""
import pytest
import torch

import teachnet as tn
from teachnet._registry import Registry


def test_names_are_case_insensitive_and_callables_pass_through():
    registry = Registry("thing")
    double = registry.register("double", "twice")(lambda x: 2 * x)
    assert registry.get("DOUBLE") is double and registry.get("twice") is double
    assert registry.get(abs) is abs
    assert registry.name_of(double) == "double" and registry.label(double) == "double"
    assert registry.label(abs) == "abs", "an unregistered callable is called by its __name__"


def test_an_unknown_name_lists_the_known_ones_in_the_plural():
    with pytest.raises(ValueError, match="unknown loss 'l3'; known losses: .*mse"):
        tn.losses.get("l3")
    with pytest.raises(ValueError, match="unknown activation 'swish'; known activations: .*relu"):
        tn.activations.get("swish")


@pytest.mark.parametrize("get, cls", [
    (tn.activations.get, tn.activations.Sigmoid),
    (tn.losses.get, tn.losses.MeanSquaredError),
])
def test_a_function_class_is_refused_with_what_to_pass(get, cls):
    with pytest.raises(TypeError, match=rf"{cls.__name__} is an autograd Function class.*{cls.__name__}\.apply"):
        get(cls)


def test_dense_refuses_a_function_class_as_activation():
    with pytest.raises(TypeError, match="Sigmoid is an autograd Function class"):
        tn.layers.Dense(2, activation=tn.activations.Sigmoid)


def test_a_subclassed_optimizer_keeps_its_parents_defaults():
    class MyAdam(tn.optim.Adam):
        pass

    param = torch.nn.Parameter(torch.zeros(2))
    assert MyAdam([param]).param_groups[0]["lr"] == 1e-3
    assert MyAdam([param], convention="keras").param_groups[0]["eps"] == 1e-7
