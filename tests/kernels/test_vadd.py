"""8-bit add with two input quantizations: every implementation against the loop oracle."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.kernels import add_q
from pyedge.ref.pool import add_q as ref_add_q
from tests.conftest import assert_best_native_ran, kernel_ids

U8 = kernel_ids("qu8_vadd_minmax")
S8 = kernel_ids("qs8_vadd_minmax")
# element counts around the 32- (AVX2) and 64-element (AVX-512) iterations
SIZES = [1, 2, 7, 31, 32, 33, 63, 64, 65, 127, 129, 300]
MIXES = [(np.uint8, np.uint8), (np.int8, np.int8), (np.int8, np.uint8), (np.uint8, np.int8)]


def _codes(rng, dtype, shape):
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max + 1, shape, dtype=dtype)


def _check(rng, kernel, odt, adt, bdt, shape, sa, sb, so, clamp=None):
    a, b = _codes(rng, adt, shape), _codes(rng, bdt, shape)
    ia, ib, io = np.iinfo(adt), np.iinfo(bdt), np.iinfo(odt)
    za, zb = int(rng.integers(ia.min, ia.max + 1)), int(rng.integers(ib.min, ib.max + 1))
    zo = int(rng.integers(io.min, io.max + 1))
    lo, hi = clamp or (io.min, io.max)
    got = add_q(a, sa, za, b, sb, zb, so, zo, odt, clamp, kernel=kernel)
    assert got.dtype == odt and got.shape == a.shape
    np.testing.assert_array_equal(got, ref_add_q(a, sa, za, b, sb, zb, so, zo, lo, hi))


@pytest.mark.parametrize("kernel", U8 + S8)
@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("adt,bdt", MIXES)
def test_matches_oracle(kernel, n, adt, bdt, rng):
    odt = np.int8 if kernel.startswith("qs8") else np.uint8
    _check(rng, kernel, odt, adt, bdt, (n,), 0.021, 0.047, 0.05)


@pytest.mark.parametrize("kernel", U8 + S8)
@pytest.mark.parametrize("shape", [(1, 7, 7, 17), (2, 3, 5, 24), (1, 17, 2, 65)])
@pytest.mark.parametrize("scales", [(0.02, 0.02, 0.02), (0.5, 0.003, 0.11), (1e-4, 3.0, 7e-3),
                                    (2.0, 2.0, 1e-5)])
def test_nhwc_scales_and_clamp(kernel, shape, scales, rng):
    odt = np.int8 if kernel.startswith("qs8") else np.uint8
    lo = int(np.iinfo(odt).min) + 20
    for clamp in (None, (lo, lo + 100)):
        _check(rng, kernel, odt, np.uint8, np.int8, shape, *scales, clamp=clamp)


@pytest.mark.parametrize("kernel", U8 + S8)
def test_round_half_to_even(kernel):
    odt = np.int8 if kernel.startswith("qs8") else np.uint8
    a = np.arange(0, 120, dtype=np.uint8)
    b = np.zeros(120, np.uint8)
    got = add_q(a, 0.5, 0, b, 1.0, 0, 1.0, 0, odt, kernel=kernel)  # a / 2: ties go to even
    np.testing.assert_array_equal(got, np.rint(np.arange(120) / 2).astype(odt))


@pytest.mark.parametrize("kernel", U8 + S8)
def test_extreme_ratios_saturate(kernel, rng):
    odt = np.int8 if kernel.startswith("qs8") else np.uint8
    info = np.iinfo(odt)
    for sa, sb in ((2.0 ** 24, 1.0), (1.0, 2.0 ** 24), (1e-30, 1e-30), (2.0 ** 24, 2.0 ** 24)):
        _check(rng, kernel, odt, np.int8, np.uint8, (130,), sa, sb, 1.0)
    a = np.full(70, 127, np.int8)
    got = add_q(a, 2.0 ** 24, -128, a, 2.0 ** 24, -128, 1.0, 0, odt, kernel=kernel)
    assert (got == info.max).all()


@pytest.mark.parametrize("kernel", U8 + S8)
def test_in_place_and_threads(kernel, rng):
    odt = np.int8 if kernel.startswith("qs8") else np.uint8
    n = 3 * 65536 + 77  # several native chunks
    a, b = _codes(rng, odt, n), _codes(rng, np.uint8, n)
    one = add_q(a, 0.03, 3, b, 0.07, 100, 0.06, -1 if odt == np.int8 else 1, odt,
                num_threads=1, kernel=kernel)
    two = add_q(a, 0.03, 3, b, 0.07, 100, 0.06, -1 if odt == np.int8 else 1, odt,
                num_threads=2, kernel=kernel)
    np.testing.assert_array_equal(one, two)
    add_q(a, 0.03, 3, b, 0.07, 100, 0.06, -1 if odt == np.int8 else 1, odt, out=a,
          kernel=kernel)
    np.testing.assert_array_equal(a, one)


@settings(max_examples=30, deadline=None)
@given(shape=st.lists(st.integers(1, 9), min_size=1, max_size=4),
       mix=st.sampled_from(MIXES), odt=st.sampled_from([np.uint8, np.int8]),
       sa=st.floats(1e-3, 10), sb=st.floats(1e-3, 10), so=st.floats(1e-3, 10),
       seed=st.integers(0, 2 ** 16))
def test_random_shapes_default_kernel(shape, mix, odt, sa, sb, so, seed):
    from pyedge.kernels.qvadd import family_for

    rng = np.random.default_rng(seed)
    kernel = kernel_ids(family_for(odt))[0]
    _check(rng, kernel, odt, *mix, tuple(shape), sa, sb, so)


def test_empty_tensors():
    a = np.zeros((0, 4), np.uint8)
    assert add_q(a, 1, 0, a, 1, 0, 1, 0).shape == (0, 4)


@pytest.mark.parametrize("bad,match", [
    (lambda: add_q(np.zeros(3, np.uint8), 1, 0, np.zeros(4, np.uint8), 1, 0, 1, 0), "shape"),
    (lambda: add_q(np.zeros(3, np.uint8), 0, 0, np.zeros(3, np.uint8), 1, 0, 1, 0), "a_scale"),
    (lambda: add_q(np.zeros(3, np.uint8), 1, 0, np.zeros(3, np.uint8), np.nan, 0, 1, 0),
     "b_scale"),
    (lambda: add_q(np.zeros(3, np.uint8), 1e8, 0, np.zeros(3, np.uint8), 1, 0, 1, 0),
     "a_scale / out_scale"),
    (lambda: add_q(np.zeros(3, np.uint8), 1, 300, np.zeros(3, np.uint8), 1, 0, 1, 0),
     "a_zero_point"),
    (lambda: add_q(np.zeros(3, np.int8), 1, 200, np.zeros(3, np.uint8), 1, 0, 1, 0),
     "a_zero_point"),
    (lambda: add_q(np.zeros(3, np.uint8), 1, 0, np.zeros(3, np.int16), 1, 0, 1, 0), "b must"),
    (lambda: add_q(np.zeros((4, 4), np.uint8)[:, ::2], 1, 0, np.zeros((4, 2), np.uint8), 1, 0,
                   1, 0), "C-contiguous"),
    (lambda: add_q(np.zeros(3, np.uint8), 1, 0, np.zeros(3, np.uint8), 1, 0, 1, 0, np.int16),
     "out_dtype"),
    (lambda: add_q(np.zeros(3, np.uint8), 1, 0, np.zeros(3, np.uint8), 1, 0, 1, 0, np.int8,
                   (5, 1)), "clamp"),
    (lambda: add_q(np.zeros(3, np.uint8), 1, 0, np.zeros(3, np.uint8), 1, 0, 1, 0,
                   out=np.zeros(3, np.int8)), "out must"),
    (lambda: add_q(np.zeros(3, np.uint8), 1, 0, np.zeros(3, np.uint8), 1, 0, 1, 0,
                   kernel="qs8_vadd_minmax__numpy"), "belongs to"),
])
def test_bad_input_raises_clear_error(bad, match):
    with pytest.raises((ValueError, TypeError), match=match):
        bad()


def test_best_native_ran():
    assert_best_native_ran("qu8_vadd_minmax")
    assert_best_native_ran("qs8_vadd_minmax")
