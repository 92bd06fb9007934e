"""Activation observers: ranges, 8-bit parameters, robustness and batch-split invariance."""

import numpy as np
import pytest

from pyedge.compress.observers import (
    MSE,
    Entropy,
    MinMax,
    Percentile,
    affine_qparams,
    make_observer,
)

NAMES = ["minmax", "percentile", "mse", "entropy"]
QRANGE = {"uint8": (0, 255), "int8": (-128, 127)}


def _fake_quant(x, scale, zp, dtype):
    lo, hi = QRANGE[dtype]
    return (np.clip(np.rint(x / scale) + zp, lo, hi) - zp) * scale


def _data(kind, seed=0, n=40_000):
    rng = np.random.default_rng(seed)
    if kind == "relu":
        return np.maximum(2.0 * rng.standard_normal(n), 0).astype(np.float32)
    if kind == "laplace":
        return (rng.laplace(size=n) + 0.3).astype(np.float32)
    return rng.uniform(-1.0, 3.0, n).astype(np.float32)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("dtype", ["uint8", "int8"])
@pytest.mark.parametrize("kind", ["relu", "laplace", "uniform"])
def test_qparams_are_valid_and_zero_is_exact(name, dtype, kind):
    x = _data(kind)
    obs = make_observer(name)
    for part in np.array_split(x, 5):
        obs.update(part.reshape(-1, 8))
    scale, zp = obs.qparams(dtype)
    assert isinstance(scale, float) and isinstance(zp, int)
    assert scale > 0 and np.float32(scale) == scale
    lo, hi = QRANGE[dtype]
    assert lo <= zp <= hi
    if dtype == "int8":
        assert zp == 0
    assert _fake_quant(np.float32(0), scale, zp, dtype) == 0.0
    # the calibrated grid covers most of the data: no more than 1% of values clipped
    err = np.abs(_fake_quant(x, scale, zp, dtype) - x)
    assert np.mean(err > 0.51 * scale) < 0.01


@pytest.mark.parametrize("name", NAMES)
def test_batch_split_does_not_matter(name):
    x = _data("laplace")
    whole = make_observer(name).update(x)
    parts = make_observer(name)
    for part in (x[:10], x[10:300], x[300:]):  # first batch much narrower than the rest
        parts.update(part)
    for dtype in ("uint8", "int8"):
        assert whole.qparams(dtype) == parts.qparams(dtype)
    if name != "minmax":
        np.testing.assert_array_equal(whole.counts, parts.counts)
        assert whole.width == parts.width and whole.i0 == parts.i0


def test_minmax_and_percentile_100_agree_on_the_range():
    x = _data("uniform")
    mm = MinMax().update(x)
    assert mm.range() == (float(x.min()), float(x.max()))
    s, zp = mm.qparams("uint8")
    assert s == np.float32((x.max() - min(x.min(), 0)) / 255)
    lo, hi = Percentile(100.0).update(x).range("uint8")
    assert abs(lo - x.min()) < 1e-3 and abs(hi - x.max()) < 1e-3


def test_percentile_clips_outliers():
    x = _data("relu")
    x[0] = 1000.0
    lo, hi = Percentile(99.9).update(x).range("uint8")
    assert lo == 0.0 or lo < 1e-3
    assert abs(hi - np.percentile(x, 99.9)) < 0.05


@pytest.mark.parametrize("dtype", ["uint8", "int8"])
@pytest.mark.parametrize("kind", ["relu", "laplace"])
def test_mse_observer_has_the_lowest_squared_error(dtype, kind):
    x = _data(kind, n=100_000)
    errs = {}
    for name in NAMES:
        s, zp = make_observer(name).update(x).qparams(dtype)
        errs[name] = float(np.mean((_fake_quant(x, s, zp, dtype) - x) ** 2))
    assert errs["mse"] < errs["minmax"], errs
    assert errs["mse"] <= 1.02 * min(errs.values()), errs


def test_entropy_ignores_a_few_outliers():
    x = _data("relu", n=100_000)
    x[:3] = 60.0
    lo, hi = Entropy().update(x).range("uint8")
    assert lo == 0.0 and 4.0 < hi < 15.0


def test_entropy_threshold_for_gaussian_is_in_the_usual_range():
    x = np.random.default_rng(5).standard_normal(200_000).astype(np.float32)
    lo, hi = Entropy().update(x).range("int8")
    assert lo == -hi and 2.5 < hi < float(np.abs(x).max())


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("value", [0.0, 3.5, -2.0])
def test_constant_tensors(name, value):
    obs = make_observer(name).update(np.full((4, 25), value, np.float32))
    for dtype in ("uint8", "int8"):
        scale, zp = obs.qparams(dtype)
        assert np.isfinite(scale) and scale > 0
        x = np.float32(value)
        assert abs(_fake_quant(x, scale, zp, dtype) - x) <= 0.5 * scale + 1e-7


def test_integer_inputs_and_asymmetric_int8():
    x = np.arange(-5, 200, dtype=np.int32)
    s, zp = MinMax().update(x).qparams("int8", symmetric=False)
    assert -128 <= zp <= 127 and abs(s - 204 / 255) < 1e-6
    s, zp = MSE().update(x.astype(np.uint8)).qparams("uint8", symmetric=True)
    assert zp == 128


def test_affine_qparams():
    assert affine_qparams(0.0, 2.55) == (np.float32(0.01), 0)
    assert affine_qparams(-1.0, 1.0, "int8") == (np.float32(1 / 127), 0)
    s, zp = affine_qparams(0.5, 2.0)  # widened to contain 0
    assert zp == 0 and s == np.float32(2.0 / 255)
    assert affine_qparams(0.0, 0.0, "uint8", symmetric=True) == (1.0, 128)


def test_bad_input():
    obs = MinMax()
    with pytest.raises(ValueError, match="no data"):
        obs.qparams()
    with pytest.raises(ValueError, match="NaN or Inf"):
        obs.update(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match="NaN or Inf"):
        make_observer("entropy").update(np.array([np.inf], np.float32))
    with pytest.raises(TypeError, match="x must"):
        obs.update([1.0, 2.0])
    with pytest.raises(ValueError, match="dtype"):
        obs.update(np.ones(3)).qparams("int4")
    with pytest.raises(ValueError, match="observer"):
        make_observer("max")
    with pytest.raises(ValueError, match="p must"):
        Percentile(10)
    assert obs.update(np.zeros(0)).count == 3  # empty batches are ignored
