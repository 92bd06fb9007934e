"""The per-layer encoding choice under a budget (multiple-choice knapsack)."""

from pyedge.compress.budget import _knapsack


def test_knapsack_minimises_noise_within_the_budget():
    costs = {"a": {"float": 10, "int8": 3, "nu2": 1}, "b": {"float": 20, "int8": 5, "nu2": 2}}
    noise = {"a": {"float": 0.0, "int8": 0.01, "nu2": 0.5},
             "b": {"float": 0.0, "int8": 0.02, "nu2": 0.1}}
    assert _knapsack(costs, noise, 30) == {"a": "float", "b": "float"}
    assert _knapsack(costs, noise, 8) == {"a": "int8", "b": "int8"}
    assert _knapsack(costs, noise, 5) == {"a": "int8", "b": "nu2"}  # b's nu2 hurts less
    assert _knapsack(costs, noise, 3) == {"a": "nu2", "b": "nu2"}
    assert _knapsack(costs, noise, 2) is None
