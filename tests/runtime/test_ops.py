"""Every runtime op against an independent NumPy (or math) computation."""

import math

import numpy as np
import pytest

from tests.runtime.oneop import W, run_op
from tests.tolerances import ERF, RUNTIME_F32


def f32(rng, *shape, scale=2.0):
    return np.asarray(rng.standard_normal(shape) * scale, dtype=np.float32)


def close(got, want, tol=RUNTIME_F32):
    assert got.shape == want.shape, (got.shape, want.shape)
    np.testing.assert_allclose(got, want.astype(got.dtype), **tol)


@pytest.mark.parametrize("op,fn", [("Add", np.add), ("Sub", np.subtract),
                                   ("Mul", np.multiply), ("Div", np.divide)])
@pytest.mark.parametrize("sa,sb", [((3, 5), (3, 5)), ((3, 5), (5,)), ((2, 1, 4), (3, 1)),
                                   ((4, 3), ())])
def test_binary(op, fn, sa, sb, rng):
    a, b = f32(rng, *sa), f32(rng, *sb)
    if op == "Div":
        b = np.where(np.abs(b) < 0.1, 1, b).astype(np.float32)
    close(run_op(op, [a, W(b)]), fn(a.astype(np.float64), b))
    close(run_op(op, [a, b], symbolic=False), fn(a.astype(np.float64), b))


def test_binary_int(rng):
    a = rng.integers(-100, 100, (3, 4)).astype(np.int32)
    np.testing.assert_array_equal(run_op("Add", [a, W(a)]), a * 2)


def _sigmoid(x):
    with np.errstate(over="ignore"):
        return 1 / (1 + np.exp(-x))


UNARY = [
    ("Relu", {}, lambda x: np.maximum(x, 0)),
    ("Relu6", {}, lambda x: np.minimum(np.maximum(x, 0), 6)),
    ("Clip", {"min": -1.5, "max": 0.5}, lambda x: np.minimum(np.maximum(x, -1.5), 0.5)),
    ("Clip", {"min": 0.0}, lambda x: np.maximum(x, 0)),
    ("LeakyRelu", {}, lambda x: np.where(x >= 0, x, 0.01 * x)),
    ("LeakyRelu", {"alpha": 3.0}, lambda x: np.where(x >= 0, x, 3 * x)),
    ("LeakyRelu", {"alpha": -0.5}, lambda x: np.where(x >= 0, x, -0.5 * x)),
    ("HardSigmoid", {}, lambda x: np.clip(0.2 * x + 0.5, 0, 1)),
    ("HardSigmoid", {"alpha": 0.25, "beta": 0.4}, lambda x: np.clip(0.25 * x + 0.4, 0, 1)),
    ("HardSwish", {}, lambda x: x * np.clip(x / 6 + 0.5, 0, 1)),
    ("Sigmoid", {}, _sigmoid),
    ("Tanh", {}, np.tanh),
    ("Gelu", {}, lambda x: 0.5 * x * (1 + np.vectorize(math.erf)(x / math.sqrt(2)))),
    ("Gelu", {"approximate": "tanh"},
     lambda x: 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3)))),
]


@pytest.mark.parametrize("op,attrs,fn", UNARY, ids=[f"{u[0]}{u[1]}" for u in UNARY])
def test_unary(op, attrs, fn, rng):
    x = f32(rng, 7, 33, scale=4.0)
    x[0, :5] = [0, -0, 6, -3, 3]
    close(run_op(op, [x], **attrs), fn(x.astype(np.float64)))


def test_sigmoid_extremes():
    x = np.array([[-1000, -100, -20, 0, 20, 100, 1000]], np.float32)
    got = run_op("Sigmoid", [x])
    assert np.all(np.isfinite(got))
    close(got, _sigmoid(x.astype(np.float64)))


def test_erf_accuracy():
    x = np.linspace(-6, 6, 20001, dtype=np.float32).reshape(1, -1)
    want = np.vectorize(math.erf)(x.astype(np.float64))
    close(run_op("Erf", [x]), want, ERF)


@pytest.mark.parametrize("axis", [-1, 0, 1])
def test_softmax(axis, rng):
    x = f32(rng, 4, 6, 5, scale=10)
    e = np.exp(x.astype(np.float64) - x.max(axis=axis, keepdims=True))
    close(run_op("Softmax", [x], symbolic=False, axis=axis), e / e.sum(axis=axis, keepdims=True))


@pytest.mark.parametrize("axis", [-1, -2])
@pytest.mark.parametrize("bias", [True, False])
def test_layer_norm(axis, bias, rng):
    x = f32(rng, 3, 4, 8) + 3
    norm = x.shape[axis:]
    scale, b = f32(rng, *norm), f32(rng, *norm)
    x64 = x.astype(np.float64)
    axes = tuple(range(x.ndim + axis, x.ndim))
    mean = x64.mean(axis=axes, keepdims=True)
    var = ((x64 - mean) ** 2).mean(axis=axes, keepdims=True)
    want = (x64 - mean) / np.sqrt(var + 1e-3) * scale + (b if bias else 0)
    got = run_op("LayerNormalization", [x, W(scale), W(b) if bias else None], axis=axis,
                 epsilon=1e-3)
    close(got, want, dict(rtol=1e-4, atol=1e-5))


def test_gemm_attrs(rng):
    a, b, c = f32(rng, 5, 7), f32(rng, 6, 7), f32(rng, 6)
    want = 0.5 * a.astype(np.float64) @ b.T + 2.0 * c
    close(run_op("Gemm", [a, W(b), W(c)], transB=1, alpha=0.5, beta=2.0), want)
    close(run_op("Gemm", [a.T.copy(), W(b.T.copy()), W(c)], symbolic=False, transA=1,
                 alpha=0.5, beta=2.0), want)
    c2 = f32(rng, 5, 6)
    close(run_op("Gemm", [a, b, c2], symbolic=False, transB=1), a.astype(np.float64) @ b.T + c2)


@pytest.mark.parametrize("act,lohi", [("none", None), ("relu", (0, None)),
                                      ("relu6", (0, 6)), ("clamp", (-1, 1))])
def test_linear_fused_activation(act, lohi, rng):
    x, w, bias = f32(rng, 2, 3, 16), f32(rng, 8, 16), f32(rng, 8)
    want = x.astype(np.float64) @ w.T + bias
    if lohi:
        want = np.clip(want, *lohi)
    got = run_op("Linear", [x, W(w), W(bias)], activation=act,
                 clamp=[-1, 1] if act == "clamp" else None)
    close(got, want)


@pytest.mark.parametrize("sa,sb", [((4, 5), (5, 3)), ((2, 4, 5), (5, 3)), ((2, 4, 5), (2, 5, 3)),
                                   ((3, 2, 4, 5), (1, 5, 2)), ((5,), (5, 3)), ((4, 5), (5,))])
def test_matmul(sa, sb, rng):
    a, b = f32(rng, *sa), f32(rng, *sb)
    close(run_op("MatMul", [a, b], symbolic=False), a.astype(np.float64) @ b)
    if len(sb) == 2:
        close(run_op("MatMul", [a, W(b)], symbolic=len(sa) > 1), a.astype(np.float64) @ b)


def test_concat_split(rng):
    a, b = f32(rng, 2, 3, 4), f32(rng, 2, 5, 4)
    np.testing.assert_array_equal(run_op("Concat", [a, b], axis=1),
                                  np.concatenate([a, b], axis=1))
    x = f32(rng, 2, 9, 4)
    parts = run_op("Split", [x], outputs=3, axis=1, split=[2, 3, 4])
    for got, want in zip(parts, np.split(x, [2, 5], axis=1), strict=True):
        np.testing.assert_array_equal(got, want)
    parts = run_op("Split", [x], outputs=3, axis=1)
    for got, want in zip(parts, np.split(x, 3, axis=1), strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("starts,ends,axes,steps", [
    ([1], [3], [1], None), ([0, -3], [2, 100], [0, 2], None), ([5], [0], [2], [-2]),
    ([-1], [-100], [1], [-1]), ([2], [2], [1], None)])
def test_slice(starts, ends, axes, steps, rng):
    x = f32(rng, 3, 4, 7)
    idx = [slice(None)] * 3
    for s, e, a, st in zip(starts, ends, axes, steps or [1] * len(axes), strict=True):
        idx[a] = slice(s, e, st)
    got = run_op("Slice", [x], symbolic=False, starts=starts, ends=ends, axes=axes, steps=steps)
    np.testing.assert_array_equal(got, x[tuple(idx)])


@pytest.mark.parametrize("shape,want", [([0, -1], (3, 20)), ([-1, 5], (12, 5)),
                                        ([3, 2, 10], (3, 2, 10)), ([0, 4, 0], (3, 4, 5))])
def test_reshape(shape, want, rng):
    x = f32(rng, 3, 4, 5)
    got = run_op("Reshape", [x], shape=shape)
    np.testing.assert_array_equal(got, x.reshape(want))


def test_shape_ops(rng):
    x = f32(rng, 2, 1, 3, 1)
    np.testing.assert_array_equal(run_op("Flatten", [x]), x.reshape(2, 3))
    np.testing.assert_array_equal(run_op("Flatten", [x], axis=3), x.reshape(6, 1))
    np.testing.assert_array_equal(run_op("Flatten", [x], axis=0), x.reshape(1, 6))
    np.testing.assert_array_equal(run_op("Squeeze", [x], axes=[1, -1]), x.reshape(2, 3))
    np.testing.assert_array_equal(run_op("Squeeze", [x], symbolic=False), x.reshape(2, 3))
    np.testing.assert_array_equal(run_op("Unsqueeze", [x], axes=[0, -1]),
                                  x.reshape(1, 2, 1, 3, 1, 1))
    y = f32(rng, 2, 3, 4)
    np.testing.assert_array_equal(run_op("Transpose", [y], perm=[2, 0, 1]), y.transpose(2, 0, 1))
    np.testing.assert_array_equal(run_op("Transpose", [y]), y.T)


@pytest.mark.parametrize("axes,keep", [([1], 1), ([1, 2], 0), (None, 1), ([-1], 0)])
def test_reduce_mean(axes, keep, rng):
    x = f32(rng, 2, 3, 4)
    want = x.astype(np.float64).mean(axis=None if axes is None else tuple(axes),
                                     keepdims=bool(keep))
    close(run_op("ReduceMean", [x], symbolic=False, axes=axes, keepdims=keep), np.asarray(want))


def test_global_average_pool_nhwc(rng):
    x = f32(rng, 2, 5, 6, 3)
    close(run_op("GlobalAveragePool", [x]), x.astype(np.float64).mean(axis=(1, 2), keepdims=True))


def test_batch_norm_nhwc(rng):
    x = f32(rng, 2, 3, 3, 4)
    s, b, m = f32(rng, 4), f32(rng, 4), f32(rng, 4)
    v = np.abs(f32(rng, 4)) + 0.1
    want = (x.astype(np.float64) - m) / np.sqrt(v + 1e-5) * s + b
    close(run_op("BatchNormalization", [x, W(s), W(b), W(m), W(v)]), want)


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge"])
@pytest.mark.parametrize("pads", [[0, 1, 2, 0, 2, 1], [1, 0, 0, 1, 3, 0], [0, -1, 1, 0, 1, -2]])
def test_pad(mode, pads, rng):
    x = f32(rng, 2, 4, 5)
    crop = tuple(slice(max(-b, 0), x.shape[i] - max(-e, 0))
                 for i, (b, e) in enumerate(zip(pads[:3], pads[3:], strict=True)))
    widths = [(max(b, 0), max(e, 0)) for b, e in zip(pads[:3], pads[3:], strict=True)]
    kw = {"constant_values": 1.5} if mode == "constant" else {}
    want = np.pad(x[crop], widths, mode=mode, **kw)
    got = run_op("Pad", [x], symbolic=False, pads=pads, mode=mode,
                 value=1.5 if mode == "constant" else None)
    np.testing.assert_array_equal(got, want)


def _resize_ref(x, out_shape, mode, ct, nm, scales):
    """Per-output-element loop: the ONNX Resize definition, one axis at a time."""
    y = x.astype(np.float64)
    for axis, (n_in, n_out) in enumerate(zip(x.shape, out_shape, strict=True)):
        s = scales[axis] if scales else n_out / n_in
        if n_in == n_out and s == 1:
            continue
        moved = np.moveaxis(y, axis, 0)
        res = np.empty((n_out,) + moved.shape[1:])
        for i in range(n_out):
            if ct == "asymmetric":
                c = i / s
            elif ct == "align_corners":
                c = 0.0 if n_out == 1 else i * (n_in - 1) / (n_out - 1)
            else:
                c = (i + 0.5) / s - 0.5
            if mode == "nearest":
                r = {"floor": math.floor(c), "ceil": math.ceil(c),
                     "round_prefer_floor": math.ceil(c - 0.5),
                     "round_prefer_ceil": math.floor(c + 0.5)}[nm]
                res[i] = moved[min(max(r, 0), n_in - 1)]
            else:
                c = min(max(c, 0.0), n_in - 1)
                lo = int(math.floor(c))
                hi = min(lo + 1, n_in - 1)
                res[i] = moved[lo] * (1 - (c - lo)) + moved[hi] * (c - lo)
        y = np.moveaxis(res, 0, axis)
    return y


@pytest.mark.parametrize("mode,ct,nm", [
    ("nearest", "asymmetric", "floor"), ("nearest", "half_pixel", "round_prefer_floor"),
    ("nearest", "half_pixel", "round_prefer_ceil"), ("nearest", "align_corners", "ceil"),
    ("linear", "half_pixel", "round_prefer_floor"), ("linear", "align_corners", "floor"),
    ("linear", "asymmetric", "floor"), ("linear", "pytorch_half_pixel", "floor")])
@pytest.mark.parametrize("scales,sizes", [([1, 2, 2, 1], None), ([1, 0.5, 1.5, 1], None),
                                          (None, [2, 7, 3, 3])])
def test_resize_nhwc(mode, ct, nm, scales, sizes, rng):
    x = f32(rng, 2, 4, 5, 3)
    out = tuple(sizes) if sizes else tuple(math.floor(d * s) for d, s in zip(x.shape, scales,
                                                                              strict=True))
    got = run_op("Resize", [x], symbolic=False, mode=mode, coordinate_transformation_mode=ct,
                 nearest_mode=nm, scales=scales, sizes=sizes)
    close(got, _resize_ref(x, out, mode, ct, nm, scales))


@pytest.mark.parametrize("odt", [np.uint8, np.int8])
@pytest.mark.parametrize("per_axis", [False, True])
def test_quantize_dequantize(odt, per_axis, rng):
    x = f32(rng, 3, 4, scale=3)
    x[0, :4] = [0.25, 0.75, -0.25, 1000]  # ties round to even; saturation
    scale = (np.array([0.5, 0.1, 0.02, 1.0], np.float32) if per_axis
             else np.array(0.5, np.float32))
    zp = (np.array([3, -2, 0, 7] if odt == np.int8 else [3, 130, 0, 7], odt) if per_axis
          else np.array(5, odt))
    info = np.iinfo(odt)
    want = np.clip(np.rint(x / scale) + zp.astype(np.float64), info.min, info.max).astype(odt)
    q = run_op("QuantizeLinear", [x, W(scale), W(zp)], axis=1)
    np.testing.assert_array_equal(q, want)
    deq = run_op("DequantizeLinear", [q, W(scale), W(zp)], axis=1)
    close(deq, (want.astype(np.float64) - zp) * scale)


def test_quantize_default_uint8(rng):
    x = f32(rng, 2, 5)
    q = run_op("QuantizeLinear", [x, W(np.array(0.1, np.float32))])
    assert q.dtype == np.uint8
    np.testing.assert_array_equal(q, np.clip(np.rint(x / np.float32(0.1)), 0, 255))


def _qgemm_ref(x, x_scale, x_zp, w, w_scale, bias, odt, y_scale, y_zp, act):
    acc = (x.astype(np.int64) - x_zp) @ w.astype(np.int64).T + (0 if bias is None else bias)
    if odt == np.float32:
        y = acc.astype(np.float32) * (np.float32(x_scale) * w_scale)
        if act == "relu":
            y = np.maximum(y, 0)
        elif act == "relu6":
            y = np.clip(y, 0, 6)
        return y
    m = (np.float32(x_scale) * w_scale) / np.float32(y_scale)
    info = np.iinfo(odt)
    lo, hi = info.min, info.max
    if act != "none":
        lo = y_zp
    if act == "relu6":
        hi = min(hi, y_zp + int(np.rint(6 / y_scale)))
    return np.clip(np.rint(acc.astype(np.float32) * m) + y_zp, lo, hi).astype(odt)


@pytest.mark.parametrize("xdt", [np.uint8, np.int8])
@pytest.mark.parametrize("odt", [np.uint8, np.int8, np.float32])
@pytest.mark.parametrize("act", ["none", "relu", "relu6"])
def test_qgemm(xdt, odt, act, rng):
    info = np.iinfo(xdt)
    x = rng.integers(info.min, info.max + 1, (2, 5, 40)).astype(xdt)
    w = rng.integers(-127, 128, (24, 40)).astype(np.int8)
    ws = rng.uniform(0.001, 0.01, 24).astype(np.float32)
    bias = rng.integers(-3000, 3000, 24).astype(np.int32)
    x_zp = 7 if xdt == np.int8 else 131
    y_zp = 0 if odt == np.float32 else (-3 if odt == np.int8 else 120)
    attrs = dict(x_scale=0.05, x_zero_point=x_zp, out_dtype=np.dtype(odt).name,
                 activation=act)
    if odt != np.float32:
        attrs.update(y_scale=0.2, y_zero_point=y_zp)
    got = run_op("QGemm", [x, W(w), W(ws), W(bias)], **attrs)
    want = _qgemm_ref(x, 0.05, x_zp, w, ws, bias, odt, 0.2, y_zp, act)
    if odt == np.float32:
        np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-6)
    else:
        np.testing.assert_array_equal(got, want)


def test_cast(rng):
    x = f32(rng, 3, 4, scale=100)
    np.testing.assert_array_equal(run_op("Cast", [x], to="int32"), x.astype(np.int32))
    np.testing.assert_array_equal(run_op("Cast", [x], to="bool"), x.astype(bool))


def test_pow_sqrt(rng):
    x = np.abs(f32(rng, 3, 4)) + 0.1
    close(run_op("Pow", [x, W(np.array(3.0, np.float32))]), x.astype(np.float64) ** 3)
    close(run_op("Sqrt", [x]), np.sqrt(x.astype(np.float64)))


@pytest.mark.parametrize("shape", [(2, 3, 5, 4), (1, 1, 7, 2), (2, 16, 3, 3), (2, 17, 3, 3)])
def test_transpose_to_channels_last(shape, rng):
    x = f32(rng, *shape)
    perm = [0, 2, 3, 1]
    np.testing.assert_array_equal(run_op("Transpose", [x], perm=perm), x.transpose(perm))
    y = rng.integers(0, 255, shape).astype(np.uint8)
    np.testing.assert_array_equal(run_op("Transpose", [y], perm=perm), y.transpose(perm))
