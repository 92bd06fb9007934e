"""Shared fixtures: every test starts from the default backend and thread settings."""

import numpy as np
import pytest

import pyedge
from pyedge.kernels import registry


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


@pytest.fixture(autouse=True)
def _default_threads():
    yield
    pyedge.set_num_threads(None)


def kernel_ids(family: str) -> list[str]:
    """Every implementation of ``family`` this CPU runs (native ISAs, Numba, NumPy)."""
    return [k.name for k in registry.kernels(family)]


def assert_best_native_ran(family: str) -> None:
    """Fail unless the most capable native kernel of ``family`` on this CPU has run."""
    native = registry.kernels(family, ("native",))
    assert native, f"no native kernel of {family} was built (is the extension compiled?)"
    best = native[0]
    assert best.name in registry.used, f"best SIMD path {best.name} never ran"
