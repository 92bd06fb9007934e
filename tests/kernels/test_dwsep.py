"""Fused depthwise-separable block: equal to the unfused pair, for every tile size."""

import numpy as np
import pytest

from pyedge.kernels import (
    depthwise_conv2d,
    depthwise_conv2d_q,
    depthwise_separable,
    depthwise_separable_q,
    pack_qc8w,
    qgemm,
)
from pyedge.ref.conv2d import conv2d as ref_conv
from pyedge.ref.dwconv2d import depthwise_conv2d as ref_dw
from tests.tolerances import F32_CONV


@pytest.mark.parametrize("n,h,w,c,cout,s", [(1, 7, 7, 17, 5, 1), (2, 17, 13, 33, 16, 2),
                                            (1, 1, 1, 8, 3, 1)])
@pytest.mark.parametrize("tile_rows", [1, 3, None])
def test_float_matches_unfused(n, h, w, c, cout, s, tile_rows, rng):
    x = rng.standard_normal((n, h, w, c)).astype(np.float32)
    wd = rng.standard_normal((3, 3, c)).astype(np.float32)
    bd = rng.standard_normal(c).astype(np.float32)
    wp = rng.standard_normal((cout, c)).astype(np.float32)
    bp = rng.standard_normal(cout).astype(np.float32)
    stats = {}
    got = depthwise_separable(x, wd, bd, wp, bp, s, 1, 1, "relu6", "relu", tile_rows=tile_rows,
                              stats=stats, num_threads=1)
    mid = ref_dw(x, wd, bd, (s, s), (1,) * 4, (1, 1), 0, 6)
    want = ref_conv(mid, wp[:, None, None, :], bp, fmin=0)
    np.testing.assert_allclose(got, want, **F32_CONV)
    oh = (h - 1) // s + 1
    assert stats["unfused_intermediate_bytes"] == n * oh * ((w - 1) // s + 1) * c * 4
    assert stats["intermediate_bytes"] <= stats["unfused_intermediate_bytes"]
    if tile_rows == 1:
        assert stats["intermediate_bytes"] * oh == stats["unfused_intermediate_bytes"] // n


def test_tile_is_at_most_a_quarter_on_112x112_layers(rng):
    x = rng.standard_normal((1, 112, 112, 32)).astype(np.float32)
    wd = rng.standard_normal((3, 3, 32)).astype(np.float32)
    wp = rng.standard_normal((16, 32)).astype(np.float32)
    stats = {}
    got = depthwise_separable(x, wd, None, wp, None, 1, 1, stats=stats, num_threads=1)
    assert stats["intermediate_bytes"] * 4 <= stats["unfused_intermediate_bytes"]
    threaded = depthwise_separable(x, wd, None, wp, None, 1, 1, num_threads=3)
    np.testing.assert_array_equal(threaded, got)
    mid = depthwise_conv2d(x, wd, None, 1, 1, 1, "relu6")
    np.testing.assert_allclose(got.reshape(-1, 16), mid.reshape(-1, 32) @ wp.T, rtol=1e-4,
                               atol=1e-4)


@pytest.mark.parametrize("tile_rows", [1, 4, None])
def test_int8_bit_exact_with_unfused(tile_rows, rng):
    x = rng.integers(-128, 128, (2, 9, 11, 20), dtype=np.int8)
    wd = rng.integers(-127, 128, (3, 3, 20), dtype=np.int8)
    bd = rng.integers(-3000, 3000, 20).astype(np.int32)
    md = rng.uniform(1e-3, 5e-3, 20).astype(np.float32)
    wp = rng.integers(-127, 128, (7, 20), dtype=np.int8)
    bp = rng.integers(-3000, 3000, 7).astype(np.int32)
    mp = rng.uniform(1e-4, 1e-3, 7).astype(np.float32)
    got = depthwise_separable_q(x, -4, wd, bd, md, 10, (10, 240), pack_qc8w(wp), bp, mp, -3,
                                np.int8, None, 2, 1, tile_rows=tile_rows)
    mid = depthwise_conv2d_q(x, -4, wd, bd, md, 10, np.uint8, (10, 240), 2, 1)
    want = qgemm(mid.reshape(-1, 20), 10, pack_qc8w(wp), bp, mp, -3, np.int8)
    np.testing.assert_array_equal(got.reshape(-1, 7), want)


@pytest.mark.parametrize("bad,match", [
    (lambda x, wd, wp: depthwise_separable(x, wd, None, wp[:, :3]), "w_pw"),
    (lambda x, wd, wp: depthwise_separable(x, wd, None, wp, np.zeros(2, np.float32)), "b_pw"),
    (lambda x, wd, wp: depthwise_separable(x, wd, None, wp, tile_rows=0), "tile_rows"),
    (lambda x, wd, wp: depthwise_separable(x, wd, None, wp, pw_activation="tanh"),
     "activation"),
    (lambda x, wd, wp: depthwise_separable_q(x.astype(np.uint8), 0, wd.astype(np.int8), None,
                                             1.0, 0, None, wp, None, 1.0), "pack_qc8w"),
])
def test_bad_input_raises_clear_error(bad, match, rng):
    x = rng.standard_normal((1, 5, 5, 8)).astype(np.float32)
    wd = rng.standard_normal((3, 3, 8)).astype(np.float32)
    wp = rng.standard_normal((4, 8)).astype(np.float32)
    with pytest.raises((ValueError, TypeError), match=match):
        bad(x, wd, wp)
