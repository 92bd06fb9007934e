"""Bad input through every public kernel function: a clear TypeError/ValueError or a result.

Each function gets one valid call (small shapes); then every array argument in turn is
replaced by a wrong dtype, a non-contiguous view, a zero-size array, an array of the wrong
rank, a Python list, and (float arrays) NaN / Inf values; every integer argument by huge,
negative, float and bool values; every string by an unknown name. Each variant must return
or raise TypeError/ValueError whose message names the argument; nothing may crash or hang.
NaN/Inf reaching a float kernel is propagated (documented: float kernels do not check values);
integer and dynamically quantized kernels reject them.
"""

from __future__ import annotations

import signal
from collections.abc import Callable

import numpy as np
import pytest

from pyedge import kernels as K
from pyedge.tensors import BSR, CSR, Codebook, Int4Grouped

SECONDS = 10  # one call running longer is a hang


def _f32(rng, *shape):
    return rng.standard_normal(shape).astype(np.float32)


def _u8(rng, *shape):
    return rng.integers(0, 256, shape).astype(np.uint8)


def _i8w(rng, *shape):
    return rng.integers(-127, 128, shape).astype(np.int8)


def _csr(rng):
    return CSR.from_dense(_f32(rng, 8, 16) * (rng.random((8, 16)) < 0.4))


def _csr8(rng):
    return CSR.from_dense(_f32(rng, 8, 16) * (rng.random((8, 16)) < 0.4), dtype=np.int8)


def _m(n):
    return np.full(n, 0.01, np.float32)


# name -> (function, valid keyword arguments (rng -> dict))
CALLS: dict[str, tuple[Callable, Callable]] = {
    "qgemm": (K.qgemm, lambda r: dict(
        a=_u8(r, 5, 16), a_zero_point=3, w_packed=K.pack_qc8w(_i8w(r, 8, 16)),
        bias_int32=np.arange(8, dtype=np.int32), multiplier=_m(8), out_zero_point=2,
        out_dtype=np.uint8, clamp=(0, 255))),
    "pack_qc8w": (K.pack_qc8w, lambda r: dict(w=_i8w(r, 8, 16))),
    "gemm_qc4w": (K.gemm_qc4w, lambda r: dict(
        x=_f32(r, 3, 64), w=K.pack_qc4w(Int4Grouped.from_float(_f32(r, 8, 64), 32)),
        bias=_f32(r, 8), activations="f32")),
    "gemm_qc4w_qd8": (K.gemm_qc4w, lambda r: dict(
        x=_f32(r, 3, 64), w=K.pack_qc4w(Int4Grouped.from_float(_f32(r, 8, 64), 32)),
        bias=_f32(r, 8), activations="qd8")),
    "gemm_lut": (K.gemm_lut, lambda r: dict(
        x=_f32(r, 3, 16), w=K.pack_lut(Codebook.from_float(_f32(r, 8, 16), bits=4)),
        bias=_f32(r, 8))),
    "sgemm": (K.sgemm, lambda r: dict(a=_f32(r, 5, 16), w_packed=K.pack_f32w(_f32(r, 8, 16)),
                                      bias=_f32(r, 8), activation="relu")),
    "pack_f32w": (K.pack_f32w, lambda r: dict(w=_f32(r, 8, 16))),
    "apply_epilogue": (K.apply_epilogue, lambda r: dict(y=_f32(r, 5, 8), bias=_f32(r, 8),
                                                        activation="relu6")),
    "gemm_f32": (K.gemm_f32, lambda r: dict(x=_f32(r, 5, 16), w=_f32(r, 8, 16),
                                            bias=_f32(r, 8), activation="relu")),
    "spmm": (K.spmm, lambda r: dict(w=_csr(r), x=_f32(r, 16, 3), bias=_f32(r, 8))),
    "spmm_t": (K.spmm_t, lambda r: dict(x=_f32(r, 3, 16), w=_csr(r), bias=_f32(r, 8))),
    "spmm_t_bsr": (K.spmm_t, lambda r: dict(
        x=_f32(r, 3, 16), w=BSR.from_dense(_f32(r, 8, 16), block=(4, 4)), bias=_f32(r, 8))),
    "qspmm": (K.qspmm, lambda r: dict(
        w=_csr8(r), x=_u8(r, 16, 3), x_zero_point=5, multiplier=_m(8), out_zero_point=1,
        out_dtype=np.uint8)),
    "qspmm_t": (K.qspmm_t, lambda r: dict(
        x=_u8(r, 3, 16), w=_csr8(r), x_zero_point=5, multiplier=_m(8), out_zero_point=1,
        out_dtype=np.uint8)),
    "conv2d": (K.conv2d, lambda r: dict(x=_f32(r, 1, 6, 6, 4), w=_f32(r, 8, 3, 3, 4),
                                        bias=_f32(r, 8), stride=1, pads=1, dilation=1)),
    "pack_conv_f32w": (K.pack_conv_f32w, lambda r: dict(w=_f32(r, 8, 3, 3, 4), groups=1)),
    "conv2d_q": (K.conv2d_q, lambda r: dict(
        x=_u8(r, 1, 6, 6, 4), x_zero_point=3, w_packed=K.pack_conv_qc8w(_i8w(r, 8, 3, 3, 4)),
        bias_int32=np.arange(8, dtype=np.int32), multiplier=_m(8), out_zero_point=2,
        stride=1, pads=1)),
    "depthwise_conv2d": (K.depthwise_conv2d, lambda r: dict(
        x=_f32(r, 1, 7, 7, 8), w=_f32(r, 3, 3, 8), bias=_f32(r, 8), stride=2, pads=1)),
    "depthwise_conv2d_q": (K.depthwise_conv2d_q, lambda r: dict(
        x=_u8(r, 1, 7, 7, 8), x_zero_point=4, w=_i8w(r, 3, 3, 8), bias_int32=None,
        multiplier=_m(8), out_zero_point=1, stride=1, pads=1)),
    "depthwise_separable": (K.depthwise_separable, lambda r: dict(
        x=_f32(r, 1, 6, 6, 8), w_dw=_f32(r, 3, 3, 8), b_dw=_f32(r, 8), w_pw=_f32(r, 4, 8),
        b_pw=_f32(r, 4), pads=1)),
    "depthwise_separable_q": (K.depthwise_separable_q, lambda r: dict(
        x=_u8(r, 1, 6, 6, 8), x_zero_point=3, w_dw=_i8w(r, 3, 3, 8), b_dw=None, m_dw=_m(8),
        mid_zero_point=0, mid_clamp=None, w_pw=K.pack_qc8w(_i8w(r, 4, 8)), b_pw=None,
        m_pw=_m(4), pads=1)),
    "max_pool2d": (K.max_pool2d, lambda r: dict(x=_f32(r, 1, 6, 6, 3), kernel=2, stride=2)),
    "max_pool2d_u8": (K.max_pool2d, lambda r: dict(x=_u8(r, 1, 6, 6, 3), kernel=3, stride=1,
                                                   pads=1)),
    "avg_pool2d": (K.avg_pool2d, lambda r: dict(x=_f32(r, 1, 6, 6, 3), kernel=3, stride=2,
                                                pads=1)),
    "global_avg_pool2d": (K.global_avg_pool2d, lambda r: dict(x=_f32(r, 2, 5, 5, 3))),
    "activation": (K.activation, lambda r: dict(x=_f32(r, 4, 5), kind="hardswish")),
    "activation_lut": (K.activation_lut, lambda r: dict(
        kind="sigmoid", in_dtype=np.uint8, in_scale=0.05, in_zero_point=128, out_scale=0.004,
        out_zero_point=0)),
    "apply_lut": (K.apply_lut, lambda r: dict(x=_u8(r, 4, 5), lut=_u8(r, 256))),
    "add_q": (K.add_q, lambda r: dict(
        a=_u8(r, 4, 5), a_scale=0.1, a_zero_point=3, b=_u8(r, 4, 5), b_scale=0.2,
        b_zero_point=7, out_scale=0.3, out_zero_point=1)),
    "lut_channels": (K.lut_channels, lambda r: dict(x=_u8(r, 2, 3, 4), table=_u8(r, 4, 256))),
}


FINITE_OUT = {"max_pool2d", "activation", "apply_epilogue", "gemm_f32", "sgemm",
              "depthwise_separable"}
"""Float functions whose Inf input may give a finite output by definition: a clamping
activation maps +-Inf to its bounds (relu6, the depthwise_separable default), max pooling
may pick a finite value over -Inf. NaN is checked separately below for every backend."""


def _wrong_dtype(a: np.ndarray) -> np.ndarray:
    return a.astype(np.float64 if a.dtype != np.float64 else np.int16)


def _array_variants(a: np.ndarray) -> dict:
    out = {
        "wrong_dtype": _wrong_dtype(a),
        "non_contiguous": np.repeat(a, 2, axis=-1)[..., ::2] if a.ndim else a,
        "list": a.tolist(),
        "extra_axis": a[None],
    }
    if a.ndim:
        out["zero_size"] = a[:0]
        out["huge_view"] = np.broadcast_to(a[..., :1], a.shape[:-1] + (2**40,))
    if a.dtype.kind == "f":
        for name, value in (("nan", np.nan), ("inf", np.inf), ("neg_inf", -np.inf)):
            bad = a.copy()
            bad.reshape(-1)[bad.size // 2] = value
            out[name] = bad
    return out


def variants(kwargs: dict) -> list[tuple[str, str, object]]:
    """(argument, variant name, replacement value) for every argument of a valid call."""
    out = []
    for key, value in kwargs.items():
        if isinstance(value, np.ndarray):
            out += [(key, name, v) for name, v in _array_variants(value).items()]
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int):
            out += [(key, name, v) for name, v in (("huge", 2**40), ("negative", -2**40),
                                                    ("float", 1.5), ("bool", True))]
        elif isinstance(value, float):
            out += [(key, name, v) for name, v in (("nan", float("nan")), ("inf", np.inf),
                                                    ("zero", 0.0), ("negative", -1.0))]
        elif isinstance(value, str):
            out.append((key, "unknown", "bogus"))
        elif isinstance(value, tuple):
            out += [(key, "reversed", value[::-1] if value[0] != value[1] else (1, 0)),
                    (key, "short", value[:1])]
        elif value is not None and not isinstance(value, type):
            out.append((key, "ndarray_instead", np.zeros(4, np.float32)))
    return out


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"call ran longer than {SECONDS} s")


def _call(fn, kwargs):
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(SECONDS)
    try:
        return fn(**kwargs)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


ALIASES = {"w_packed": ("w_packed", "w ", "pack"), "a": ("a ", "a_", "a=", "a must", "A("),
           "lut": ("lut", "table"), "in_dtype": ("in_dtype", "dtype"),
           "kind": ("kind", "activation")}


def _names_argument(message: str, key: str) -> bool:
    return any(alias in message for alias in ALIASES.get(key, (key,)))


@pytest.mark.parametrize("name", sorted(CALLS))
def test_valid_call_then_every_bad_argument(name):
    fn, make = CALLS[name]
    kwargs = make(np.random.default_rng(0))
    _call(fn, kwargs)  # the valid call works
    unclear = []
    for key, variant, value in variants(kwargs):
        bad = dict(make(np.random.default_rng(0)), **{key: value})
        try:
            result = _call(fn, bad)
        except (TypeError, ValueError) as exc:
            # an empty array may instead make another argument inconsistent (N = 0 vs bias)
            named = [key] if variant != "zero_size" else list(kwargs)
            if not any(_names_argument(str(exc), k) for k in named):
                unclear.append(f"{key}={variant}: {type(exc).__name__}: {exc}")
            continue
        if variant in ("nan", "inf", "neg_inf") and isinstance(result, np.ndarray) \
                and result.dtype.kind == "f":
            assert not np.isfinite(result).all() or name in FINITE_OUT, \
                f"{key}={variant}: non-finite input silently gave a finite result"
    assert not unclear, "errors that do not name the argument:\n" + "\n".join(unclear)


@pytest.mark.parametrize("act", ["none", "relu", "relu6"])
def test_nan_propagates_through_fused_clamps_in_every_backend(act):
    """AVX2/AVX-512 min/max put the accumulator second, so NaN survives the fused clamp as in
    the portable C, Numba and NumPy paths (it used to come out as -inf / the clamp bound)."""
    from pyedge.kernels import registry

    rng = np.random.default_rng(3)
    a = _f32(rng, 4, 16)
    a[1, 3] = np.nan
    packed = K.pack_f32w(_f32(rng, 40, 16))
    for k in registry.kernels("f32_gemm_minmax"):
        y = K.sgemm(a, packed, None, act, kernel=k.name)
        assert np.isnan(y[1]).all() and not np.isnan(y[[0, 2, 3]]).any(), k.name
    x = _f32(rng, 1, 6, 6, 8)
    x[0, 2, 2, 3] = np.nan
    w = _f32(rng, 3, 3, 8)
    for k in registry.kernels("f32_dwconv2d_3x3s1"):
        y = K.depthwise_conv2d(x, w, None, 1, 1, activation=act, kernel=k.name)
        assert np.isnan(y[0, 1:4, 1:4, 3]).all() and np.isnan(y).sum() == 9, k.name
    w = CSR.from_dense(_f32(rng, 24, 16))
    for k in registry.kernels("f32_spmm_csr"):
        y = K.spmm_t(a, w, None, act, kernel=k.name)
        assert np.isnan(y[1]).all() and not np.isnan(y[[0, 2, 3]]).any(), k.name
