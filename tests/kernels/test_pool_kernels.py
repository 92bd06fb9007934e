"""Every pooling implementation (native per ISA, Numba, NumPy) against the loop oracle."""

import numpy as np
import pytest

from pyedge.kernels import avg_pool2d, global_avg_pool2d, max_pool2d, registry
from pyedge.kernels.pool import FAMILIES
from pyedge.ref.pool import pool2d as ref_pool
from tests.conftest import assert_best_native_ran
from tests.tolerances import F32_POOL

KERNELS = [k for f in FAMILIES for k in registry.kernels(f)]
CASES = [((2, 2), (2, 2), (0, 0, 0, 0)), ((3, 3), (2, 2), (1, 1, 1, 1)),
         ((3, 3), (1, 1), (2, 2, 2, 2)), ((2, 3), (1, 2), (0, 1, 1, 2)),
         ((1, 1), (1, 1), (0, 0, 0, 0)), ((5, 5), (3, 3), (4, 0, 1, 4))]
SHAPES = [(2, 7, 9, 17), (1, 1, 1, 1), (1, 2, 2, 3), (1, 17, 7, 33), (1, 7, 2, 64)]
# (shape, window, stride, pads) where the window fits in the padded image
VALID = [(shape, *case) for shape in SHAPES for case in CASES
         if shape[1] + case[2][0] + case[2][2] >= case[0][0]
         and shape[2] + case[2][1] + case[2][3] >= case[0][1]]
AVG_KERNELS = [k for k in KERNELS if "avg" in k.family]


def _x(rng, dtype, shape):
    if dtype == np.float32:
        return rng.standard_normal(shape).astype(np.float32)
    return rng.integers(0, 256, shape, dtype=np.uint8)


def _check(got, want):
    if got.dtype == np.uint8:
        np.testing.assert_array_equal(got, want)
    else:
        np.testing.assert_allclose(got, want, **F32_POOL)


@pytest.mark.parametrize("kern", KERNELS, ids=[k.name for k in KERNELS])
@pytest.mark.parametrize("shape,window,stride,pads", VALID)
def test_matches_oracle(kern, shape, window, stride, pads, rng):
    dtype = np.float32 if kern.family.startswith("f32") else np.uint8
    x = _x(rng, dtype, shape)
    if "max" in kern.family:
        got = max_pool2d(x, window, stride, pads, kernel_impl=kern)
        np.testing.assert_array_equal(got, ref_pool(x, "max", window, stride, pads))
        return
    for inc in (False, True):
        got = avg_pool2d(x, window, stride, pads, inc, kernel_impl=kern)
        _check(got, ref_pool(x, "avg", window, stride, pads, inc))
        out = np.empty_like(got)
        assert avg_pool2d(x, window, stride, pads, inc, out=out, num_threads=2,
                          kernel_impl=kern) is out
        np.testing.assert_array_equal(out, got)


@pytest.mark.parametrize("kern", AVG_KERNELS, ids=[k.name for k in AVG_KERNELS])
@pytest.mark.parametrize("shape", [(1, 7, 7, 1280), (2, 1, 1, 5), (3, 5, 3, 17)])
def test_global_average(kern, shape, rng):
    x = _x(rng, np.float32 if kern.family.startswith("f32") else np.uint8, shape)
    got = global_avg_pool2d(x, kernel_impl=kern)
    _check(got, ref_pool(x, "avg", shape[1:3], (1, 1), (0, 0, 0, 0)))


@pytest.mark.parametrize("kern", registry.kernels("u8_avgpool"),
                         ids=[k.name for k in registry.kernels("u8_avgpool")])
def test_u8_rounding_half_to_even_and_large_windows(kern, rng):
    # sums 1, 2, 6, 10 over 4 taps: 0.25, 0.5 -> 0, 1.5 -> 2, 2.5 -> 2
    x = np.array([0, 0, 0, 1, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3], np.uint8).reshape(4, 2, 2, 1)
    np.testing.assert_array_equal(global_avg_pool2d(x, kernel_impl=kern).ravel(), [0, 0, 2, 2])
    big = rng.integers(0, 256, (1, 200, 170, 3), dtype=np.uint8)  # 34000 taps: integer path
    big[0, :, :, 2] = np.arange(200 * 170).reshape(200, 170) % 2 * 255  # mean 127.5 -> 128
    got = global_avg_pool2d(big, kernel_impl=kern)
    np.testing.assert_array_equal(got, ref_pool(big, "avg", (200, 170), (1, 1), (0,) * 4))
    assert got[0, 0, 0, 2] == 128


def test_bad_input():
    with pytest.raises(TypeError, match="x"):
        max_pool2d(np.zeros((1, 4, 4, 2), np.int32))
    with pytest.raises(ValueError, match="pads"):
        avg_pool2d(np.zeros((1, 4, 4, 2), np.float32), 2, 1, 2)
    with pytest.raises(ValueError, match="x"):
        global_avg_pool2d(np.zeros((4, 4, 2), np.float32))


@pytest.mark.parametrize("family", FAMILIES)
def test_best_native_ran(family):
    assert_best_native_ran(family)
