"""Op semantics cross-checked with onnxruntime on one-node ONNX models (skipped without it)."""

import numpy as np
import pytest

from tests.runtime.oneop import W, run_op

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import helper, numpy_helper  # noqa: E402

TOL = dict(rtol=1e-5, atol=1e-5)


def ort_run(op, x, inits=(), opset=21, n_inputs=None, **attrs):
    """Run ONNX ``op`` on input ``x`` with initializers ``inits`` (name, array or None)."""
    names = ["x"] + [n if v is not None else "" for n, v in inits]
    node = helper.make_node(op, names, ["y"], **attrs)
    graph = helper.make_graph(
        [node], "g", [helper.make_tensor_value_info("x", helper.np_dtype_to_tensor_dtype(
            x.dtype), x.shape)],
        [helper.make_empty_tensor_value_info("y")],
        [numpy_helper.from_array(v, n) for n, v in inits if v is not None])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                              ir_version=10)
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(model.SerializeToString(), so,
                                providers=["CPUExecutionProvider"])
    return sess.run(None, {"x": x})[0]


@pytest.fixture
def x(rng):
    return (rng.standard_normal((2, 5, 6, 3)) * 3).astype(np.float32)


@pytest.mark.parametrize("mode,ct,nm", [
    ("nearest", "asymmetric", "floor"), ("nearest", "half_pixel", "round_prefer_floor"),
    ("nearest", "align_corners", "round_prefer_ceil"), ("linear", "half_pixel", "floor"),
    ("linear", "align_corners", "floor"), ("linear", "asymmetric", "floor"),
    ("linear", "pytorch_half_pixel", "floor")])
@pytest.mark.parametrize("scales", [[1, 2, 2, 1], [1, 0.5, 1.5, 1], [1, 1.7, 0.6, 1]])
def test_resize(x, mode, ct, nm, scales):
    want = ort_run("Resize", x, [("roi", np.zeros(0, np.float32)),
                                 ("scales", np.array(scales, np.float32))],
                   mode=mode, coordinate_transformation_mode=ct, nearest_mode=nm)
    got = run_op("Resize", [x], symbolic=False, mode=mode, coordinate_transformation_mode=ct,
                 nearest_mode=nm, scales=scales)
    np.testing.assert_allclose(got, want, **TOL)


def test_resize_sizes(x):
    sizes = [2, 9, 4, 3]
    want = ort_run("Resize", x, [("roi", np.zeros(0, np.float32)), ("scales", None),
                                 ("sizes", np.array(sizes, np.int64))], mode="linear")
    want2 = run_op("Resize", [x], symbolic=False, mode="linear", sizes=sizes)
    np.testing.assert_allclose(want2, want, **TOL)


@pytest.mark.parametrize("mode", ["constant", "reflect", "edge"])
def test_pad(x, mode):
    pads = [0, 1, 2, 0, 0, 2, 1, 0]
    want = ort_run("Pad", x, [("pads", np.array(pads, np.int64))], mode=mode)
    np.testing.assert_array_equal(run_op("Pad", [x], symbolic=False, pads=pads, mode=mode), want)


@pytest.mark.parametrize("op,attrs", [
    ("Gelu", {}), ("Gelu", {"approximate": "tanh"}), ("Erf", {}), ("Sigmoid", {}),
    ("HardSwish", {}), ("HardSigmoid", {"alpha": 0.3, "beta": 0.4}), ("LeakyRelu", {}),
    ("Softmax", {"axis": 2}), ("Tanh", {}), ("Relu", {})])
def test_elementwise(x, op, attrs):
    np.testing.assert_allclose(run_op(op, [x], symbolic=False, **attrs),
                               ort_run(op, x, **attrs), **TOL)


def test_layer_norm(x, rng):
    s, b = rng.standard_normal((6, 3)).astype(np.float32), rng.standard_normal(3).astype(
        np.float32)
    want = ort_run("LayerNormalization", x, [("s", s), ("b", b)], axis=-2, epsilon=1e-4)
    got = run_op("LayerNormalization", [x, W(s), W(b)], symbolic=False, axis=-2, epsilon=1e-4)
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dt", [np.uint8, np.int8])
def test_quantize_per_axis(x, dt):
    scale = np.array([0.05, 0.5, 0.01], np.float32)
    zp = np.array([3, 100, 0], dt) if dt == np.uint8 else np.array([3, -100, 0], dt)
    want = ort_run("QuantizeLinear", x, [("s", scale), ("z", zp)], axis=3)
    got = run_op("QuantizeLinear", [x, W(scale), W(zp)], symbolic=False, axis=3)
    np.testing.assert_array_equal(got, want)
    deq = ort_run("DequantizeLinear", want, [("s", scale), ("z", zp)], axis=3)
    np.testing.assert_allclose(run_op("DequantizeLinear", [want, W(scale), W(zp)], axis=3), deq,
                               rtol=0, atol=0)


def test_slice_negative_step(x):
    inits = [("starts", np.array([4, -1], np.int64)), ("ends", np.array([0, -100], np.int64)),
             ("axes", np.array([1, 2], np.int64)), ("steps", np.array([-2, -1], np.int64))]
    want = ort_run("Slice", x, inits)
    got = run_op("Slice", [x], symbolic=False, starts=[4, -1], ends=[0, -100], axes=[1, 2],
                 steps=[-2, -1])
    np.testing.assert_array_equal(got, want)


POOLS = [
    ("MaxPool", dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])),
    ("MaxPool", dict(kernel_shape=[2, 3], strides=[2, 1], ceil_mode=1)),
    ("MaxPool", dict(kernel_shape=[3, 3], dilations=[2, 1], pads=[0, 1, 2, 0])),
    ("AveragePool", dict(kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])),
    ("AveragePool", dict(kernel_shape=[3, 3], pads=[1, 0, 1, 2], count_include_pad=1)),
    ("AveragePool", dict(kernel_shape=[2, 2], strides=[2, 2], ceil_mode=1)),
    ("AveragePool", dict(kernel_shape=[2, 3], strides=[2, 2], ceil_mode=1, pads=[1, 1, 0, 0],
                         count_include_pad=1)),
]


@pytest.mark.parametrize("op,attrs", POOLS, ids=[f"{p[0]}-{i}" for i, p in enumerate(POOLS)])
def test_pool_nhwc_matches_nchw(op, attrs, rng):
    x = (rng.standard_normal((2, 3, 9, 8)) * 3).astype(np.float32)  # NCHW for onnxruntime
    want = ort_run(op, x, opset=19, **attrs).transpose(0, 2, 3, 1)
    got = run_op(op, [np.ascontiguousarray(x.transpose(0, 2, 3, 1))], symbolic=False, **attrs)
    np.testing.assert_allclose(got, want, **TOL)


CONVS = [dict(group=1, strides=[1, 1], pads=[1, 1, 1, 1]),
         dict(group=1, strides=[2, 2], pads=[0, 1, 1, 0], dilations=[1, 2]),
         dict(group=2, strides=[1, 2], pads=[1, 1, 1, 1]),
         dict(group=4, strides=[2, 2], pads=[1, 1, 1, 1])]  # depthwise (C_in = 4)


@pytest.mark.skipif(not hasattr(__import__("pyedge").kernels, "conv2d"),
                    reason="pyedge.kernels.conv2d is not in this build")
@pytest.mark.parametrize("attrs", CONVS, ids=[f"conv{i}" for i in range(len(CONVS))])
@pytest.mark.parametrize("act", ["none", "relu"])
def test_conv_nhwc_matches_nchw(attrs, act, rng):
    x = rng.standard_normal((2, 4, 9, 8)).astype(np.float32)  # NCHW for onnxruntime
    cout = 8 if attrs["group"] != 4 else 4
    w = rng.standard_normal((cout, 4 // attrs["group"], 3, 3)).astype(np.float32)
    b = rng.standard_normal(cout).astype(np.float32)
    want = ort_run("Conv", x, [("w", w), ("b", b)], opset=19, **attrs).transpose(0, 2, 3, 1)
    if act == "relu":
        want = np.maximum(want, 0)
    got = run_op("Conv", [np.ascontiguousarray(x.transpose(0, 2, 3, 1)),
                          W(np.ascontiguousarray(w.transpose(0, 2, 3, 1))), W(b)],
                 symbolic=False, activation=act, **attrs)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
