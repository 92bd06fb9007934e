"""Pooling and 8-bit element-wise ops against loop oracles (uint8 results bit-exact)."""

import numpy as np
import pytest

from pyedge.kernels import (
    activation,
    activation_lut,
    add_q,
    apply_lut,
    avg_pool2d,
    global_avg_pool2d,
    max_pool2d,
)
from pyedge.ref.pool import add_q as ref_add_q
from pyedge.ref.pool import pool2d as ref_pool

CASES = [((2, 2), (2, 2), (0, 0, 0, 0)), ((3, 3), (2, 2), (1, 1, 1, 1)),
         ((3, 3), (1, 1), (1, 2, 0, 1)), ((2, 3), (1, 2), 0), ((1, 1), (1, 1), 0)]


def _x(rng, dtype, shape=(2, 7, 9, 17)):
    if dtype == np.float32:
        return rng.standard_normal(shape).astype(np.float32)
    return rng.integers(0, 256, shape, dtype=np.uint8)


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
@pytest.mark.parametrize("kernel,stride,pads", CASES)
@pytest.mark.parametrize("shape", [(2, 7, 9, 17), (1, 2, 2, 3), (1, 17, 1, 5)])
def test_max_and_avg(dtype, kernel, stride, pads, shape, rng):
    x = _x(rng, dtype, shape)
    p4 = pads if isinstance(pads, tuple) else (pads,) * 4
    if shape[1] + p4[0] + p4[2] < kernel[0] or shape[2] + p4[1] + p4[3] < kernel[1]:
        return
    np.testing.assert_array_equal(max_pool2d(x, kernel, stride, pads),
                                  ref_pool(x, "max", kernel, stride, p4))
    for inc in (False, True):
        got = avg_pool2d(x, kernel, stride, pads, inc)
        want = ref_pool(x, "avg", kernel, stride, p4, inc)
        if dtype == np.float32:
            np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
        else:
            np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_global_average(dtype, rng):
    x = _x(rng, dtype, (2, 7, 7, 33))
    want = ref_pool(x, "avg", (7, 7), (1, 1), (0, 0, 0, 0))
    got = global_avg_pool2d(x)
    if dtype == np.float32:
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    else:
        np.testing.assert_array_equal(got, want)


def test_uint8_average_rounds_half_to_even():
    x = np.array([1, 2, 3, 4], np.uint8).reshape(1, 2, 2, 1)  # 10 / 4 = 2.5 -> 2
    assert global_avg_pool2d(x)[0, 0, 0, 0] == 2
    x = np.array([1, 2, 4, 7], np.uint8).reshape(1, 2, 2, 1)  # 14 / 4 = 3.5 -> 4
    assert global_avg_pool2d(x)[0, 0, 0, 0] == 4


@pytest.mark.parametrize("adt,bdt,odt", [(np.uint8, np.uint8, np.uint8),
                                         (np.int8, np.uint8, np.int8)])
@pytest.mark.parametrize("clamp", [None, (10, 100)])
def test_add_q(adt, bdt, odt, clamp, rng):
    ia, ib = np.iinfo(adt), np.iinfo(bdt)
    a = rng.integers(ia.min, ia.max + 1, (3, 5, 7), dtype=adt)
    b = rng.integers(ib.min, ib.max + 1, (3, 5, 7), dtype=bdt)
    za, zb, zo = int(ia.min) + 100, int(ib.min) + 7, 12
    lo, hi = clamp or (np.iinfo(odt).min, np.iinfo(odt).max)
    got = add_q(a, 0.021, za, b, 0.047, zb, 0.05, zo, odt, clamp)
    np.testing.assert_array_equal(got, ref_add_q(a, 0.021, za, b, 0.047, zb, 0.05, zo, lo, hi))


def test_add_q_exact_halves():
    a = np.arange(0, 20, dtype=np.uint8)
    b = np.zeros(20, np.uint8)
    got = add_q(a, 0.5, 0, b, 1.0, 0, 1.0, 0)  # a / 2: ties go to even
    np.testing.assert_array_equal(got, np.rint(np.arange(20) / 2).astype(np.uint8))


@pytest.mark.parametrize("kind", ["relu", "relu6", "hardswish", "sigmoid"])
@pytest.mark.parametrize("in_dtype", [np.uint8, np.int8])
def test_lut_matches_float_activation(kind, in_dtype, rng):
    info = np.iinfo(in_dtype)
    x = rng.integers(info.min, info.max + 1, (4, 9), dtype=in_dtype)
    si, zi, so, zo = 0.05, int(info.min) + 128, 1 / 255 if kind == "sigmoid" else 0.03, 0
    lut = activation_lut(kind, in_dtype, si, zi, so, zo, np.uint8)
    got = apply_lut(x, lut)
    real = ((x.astype(np.float32) - zi) * si).astype(np.float32)
    want_f = activation(real, kind)
    want = np.clip(np.rint(want_f.astype(np.float64) / so) + zo, 0, 255)
    assert np.abs(got.astype(np.int32) - want).max() <= 1  # float32 vs float64 activation


def test_float_activations(rng):
    x = rng.standard_normal(100).astype(np.float32) * 5
    np.testing.assert_array_equal(activation(x, "relu"), np.maximum(x, 0))
    np.testing.assert_array_equal(activation(x, "relu6"), np.clip(x, 0, 6))
    np.testing.assert_allclose(activation(x, "hardswish"), x * np.clip(x + 3, 0, 6) / 6,
                               rtol=1e-6)
    np.testing.assert_allclose(activation(x, "sigmoid"), 1 / (1 + np.exp(-x)), rtol=1e-6)


@pytest.mark.parametrize("bad,match", [
    (lambda: max_pool2d(np.zeros((1, 4, 4, 2), np.int16)), "dtype"),
    (lambda: max_pool2d(np.zeros((1, 4, 4, 2), np.float32), 2, 2, 2), "pads"),
    (lambda: avg_pool2d(np.zeros((1, 4, 4, 2), np.float32), 5, 1), "larger"),
    (lambda: add_q(np.zeros(3, np.uint8), 1, 0, np.zeros(4, np.uint8), 1, 0, 1, 0), "shape"),
    (lambda: add_q(np.zeros(3, np.uint8), 0, 0, np.zeros(3, np.uint8), 1, 0, 1, 0), "a_scale"),
    (lambda: add_q(np.zeros(3, np.uint8), 1, 300, np.zeros(3, np.uint8), 1, 0, 1, 0),
     "a_zero_point"),
    (lambda: activation(np.zeros(3, np.float32), "gelu"), "kind"),
    (lambda: activation_lut("relu", np.int16, 1, 0, 1, 0), "in_dtype"),
    (lambda: apply_lut(np.zeros(3, np.uint8), np.zeros(10, np.uint8)), "lut"),
])
def test_bad_input_raises_clear_error(bad, match):
    with pytest.raises((ValueError, TypeError), match=match):
        bad()
