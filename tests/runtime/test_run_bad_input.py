"""Bad inputs to pyedge.load / Model.run: NaN/Inf, zero-size, huge, wrong dtype, strided."""

from __future__ import annotations

import numpy as np
import pytest

import pyedge
from tests.fuzz.harness import CORPUS
from tests.fuzz.seeds import DEMO

MODELS = ["mlp_f32", "conv_f32", "encoded"]


def _load(name):
    return pyedge.load(CORPUS / f"{name}.pedge")


def _x(model, batch, rng):
    v = model.inputs[0]
    shape = tuple(d if isinstance(d, int) else batch for d in v.shape)
    return rng.standard_normal(shape).astype(np.float32)


@pytest.mark.parametrize("name", MODELS + ["demo"])
@pytest.mark.parametrize("value", [np.nan, np.inf, -np.inf])
def test_non_finite_input_propagates_or_is_rejected(name, value, rng):
    """Float layers propagate NaN/Inf (never a finite answer for the poisoned sample); the
    int4 layer with dynamic int8 activations rejects them with a ValueError naming it."""
    model = pyedge.load(DEMO) if name == "demo" else _load(name)
    x = _x(model, 2, rng)
    x[1].reshape(-1)[3] = value
    try:
        y = model(x)
    except ValueError as exc:
        assert name == "encoded" and "'int4' (LinearInt4) failed" in str(exc)
        return
    assert np.isfinite(y[0]).all()  # the clean sample is untouched
    assert not np.isfinite(y[1]).all()


@pytest.mark.parametrize("name", MODELS)
def test_zero_batch_and_strided_input(name, rng):
    model = _load(name)
    x = _x(model, 3, rng)
    want = model(x)
    if name == "conv_f32":  # Reshape [0, -1] of an empty batch is ambiguous, as in NumPy
        with pytest.raises(ValueError, match=r"'flat' \(Reshape\): cannot reshape"):
            model(x[:0])
    else:
        assert model(x[:0]).shape[0] == 0
    strided = np.repeat(x, 2, axis=0)[::2]  # same values, not contiguous
    assert not strided.flags.c_contiguous
    np.testing.assert_array_equal(model(strided), want)


def test_wrong_dtype_rank_shape_and_type(rng):
    model = _load("mlp_f32")
    x = _x(model, 2, rng)
    with pytest.raises(TypeError, match="input 'x' must have dtype float32"):
        model(x.astype(np.float64))
    with pytest.raises(ValueError, match="input 'x' must have shape"):
        model(x[None])
    with pytest.raises(ValueError, match=r"input 'x' must have shape.*axis 1"):
        model(x[:, :5])
    with pytest.raises(TypeError, match="input 'x' must be a numpy.ndarray"):
        model(x.tolist())
    with pytest.raises(ValueError, match="missing"):
        model.run({})


def test_huge_batch_fails_before_touching_memory():
    """A 2**40-row (zero-stride) input: the arena cannot exist; a MemoryError says so."""
    model = _load("mlp_f32")
    x = np.broadcast_to(np.zeros((1, 12), np.float32), (2**40, 12))
    with pytest.raises(MemoryError, match="Unable to allocate"):
        model(x)
    assert model(np.zeros((1, 12), np.float32)).shape == (1, 4)  # still usable


@pytest.mark.parametrize("path", ["missing.pedge", ""])
def test_load_missing_file(tmp_path, path):
    with pytest.raises(OSError):
        pyedge.load(tmp_path / path)
