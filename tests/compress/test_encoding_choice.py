"""Fastest encoding of a pruned weight: decision logic (injected timer) and exact encodings."""

import numpy as np
import pytest

from pyedge import kernels
from pyedge.compress.encoding_choice import (
    build_encoding,
    candidates,
    choose,
    fastest_sparse_encoding,
    median_seconds,
)
from pyedge.compress.masks import block_mask, magnitude_mask
from pyedge.tensors.compressed import quantize_rows
from tests.tolerances import F32_SPMM

RNG = np.random.default_rng(0)
W = RNG.standard_normal((32, 64)).astype(np.float32)


def test_candidates_follow_the_shape():
    assert candidates((32, 64)) == ["dense", "csr", "bsr1x4", "bsr4x1", "bsr4x4", "bsr8x1",
                                    "bsr16x1"]
    assert candidates((12, 6)) == ["dense", "csr", "bsr4x1"]


def _fake(costs, calls):
    def timer(option, run):
        out = run()  # the real kernel runs; only the clock is fake
        calls.append((option, out.shape))
        return costs[option]
    return timer


@pytest.mark.parametrize("costs,want", [
    ({"dense": 1.0, "csr": 0.5, "bsr4x4": 0.3}, "bsr4x4"),
    ({"dense": 1.0, "csr": 0.97, "bsr4x4": 0.99}, "dense"),  # within the 5 % margin
    ({"dense": 0.2, "csr": 0.5, "bsr4x4": 0.3}, "dense"),
    ({"dense": 1.0, "csr": 0.4, "bsr4x4": 0.4}, "csr"),  # tie: the earlier option
])
def test_decision_with_injected_timer(costs, want):
    mask = block_mask(W, 0.8, (4, 4))
    calls = []
    choice, seconds = fastest_sparse_encoding(W, mask, (5, 64), options=["csr", "bsr4x4"],
                                              timer=_fake(costs, calls))
    assert choice == want and seconds == costs
    assert [c[0] for c in calls] == ["dense", "csr", "bsr4x4"]
    assert all(shape == (5, 32) for _, shape in calls)


def test_choose_margin():
    assert choose({"dense": 1.0, "csr": 0.9}, margin=0.05) == "csr"
    assert choose({"dense": 1.0, "csr": 0.9}, margin=0.2) == "dense"
    with pytest.raises(ValueError, match="include 'dense'"):
        choose({"csr": 1.0})


@pytest.mark.parametrize("option", candidates((32, 64)))
@pytest.mark.parametrize("s", [0.5, 0.9])
def test_float_encodings_reproduce_the_dense_result(option, s):
    mask = magnitude_mask(W, s)
    x = RNG.standard_normal((7, 64)).astype(np.float32)
    want = x.astype(np.float64) @ (W * mask).T.astype(np.float64)
    enc = build_encoding(W, mask, option)
    got = x @ enc.T if option == "dense" else kernels.spmm_t(x, enc)
    np.testing.assert_allclose(got, want, **F32_SPMM)


@pytest.mark.parametrize("option", candidates((32, 64))[1:])
def test_int8_encodings_match_dense_qgemm_exactly(option):
    mask = block_mask(W, 0.75, (4, 4))
    x = RNG.integers(0, 256, size=(9, 64), dtype=np.uint8)
    dense = build_encoding(W, mask, "dense", np.int8)
    want = kernels.qgemm(x, 128, kernels.pack_qc8w(quantize_rows(dense)[0]))
    enc = build_encoding(W, mask, option, np.int8)
    np.testing.assert_array_equal(kernels.qspmm_t(x, enc, 128), want)


@pytest.mark.parametrize("dtype", [np.float32, np.int8])
def test_real_timing_returns_every_option(dtype):
    mask = block_mask(W, 0.9, (4, 4))
    choice, seconds = fastest_sparse_encoding(W, mask, (16, 64), dtype=dtype, budget=0.01)
    assert set(seconds) == set(candidates(W.shape)) and choice in seconds
    assert all(t > 0 for t in seconds.values())
    assert seconds[choice] <= seconds["dense"]


@pytest.mark.parametrize("kwargs,match", [
    (dict(x_shape=(4, 63)), "x_shape must end with K=64"),
    (dict(options=["bsr3x3"]), "unknown encoding"),
    (dict(dtype=np.int16), "dtype must be float32 or int8"),
    (dict(mask=np.ones((2, 2), bool)), "mask must be a boolean array of shape"),
    (dict(dense_kernel="mkl"), "dense_kernel must be"),
    (dict(budget=0), "budget > 0"),
])
def test_bad_input_is_named(kwargs, match):
    args = dict(mask=None, x_shape=(4, 64))
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        fastest_sparse_encoding(W, args.pop("mask"), args.pop("x_shape"), **args)


def test_shape_that_blocks_do_not_tile():
    w = RNG.standard_normal((6, 10)).astype(np.float32)
    with pytest.raises(ValueError, match="does not tile"):
        fastest_sparse_encoding(w, None, (2, 10), options=["bsr4x4"])


def test_median_seconds_stops_early_for_a_clear_loser():
    calls = []
    assert median_seconds(lambda: calls.append(1), 1.0, cutoff=-1.0) >= 0
    assert len(calls) == 2  # warm-up + one timed call
    calls.clear()
    median_seconds(lambda: calls.append(1), 0.0, min_repeats=4)
    assert len(calls) == 5  # warm-up + min_repeats
