"""Models the fuzzer (tests/fuzz) broke the runtime with: each is now a clear load error.

Before the fixes these loaded and then failed inside ``run`` (RuntimeError), or raised an
AttributeError / plain ValueError at load instead of a GraphError naming the node.
"""

import numpy as np
import pytest

import pyedge
from pyedge.runtime import GraphBuilder, GraphError


def _qgemm(ws=None, w=None, **attrs):
    b = GraphBuilder()
    x = b.input("x", "uint8", ("N", 8))
    w = np.ones((4, 8), np.int8) if w is None else w
    ws = np.full(4, 0.01, np.float32) if ws is None else ws
    kw = dict(x_scale=0.05, x_zero_point=128, out_dtype="uint8", y_scale=0.1,
              y_zero_point=3)
    kw.update(attrs)
    b.output(b.node("QGemm", [x, w, ws], name="fc", **kw))
    return b


@pytest.mark.parametrize("ws", [0.0, -0.01, np.nan, np.inf])
def test_qgemm_bad_w_scale_fails_at_load(ws):
    with pytest.raises(GraphError, match=r"'fc' \(QGemm\).*w_scale"):
        _qgemm(ws=np.full(4, ws, np.float32)).build()


@pytest.mark.parametrize("attrs,match", [
    (dict(x_scale=1e-30, y_scale=1e30), "multiplier"),  # underflows to 0 in float32
    (dict(x_scale=1e30, y_scale=1e-30), "multiplier"),  # overflows to inf
    (dict(x_zero_point=256), "x_zero_point"),
    (dict(x_zero_point=10**30), "x_zero_point"),
    (dict(y_zero_point=-1), "y_zero_point"),
])
def test_qgemm_requantization_checked_at_load(attrs, match):
    with pytest.raises(GraphError, match=rf"'fc' \(QGemm\).*{match}"):
        _qgemm(**attrs).build()


def test_qgemm_weight_minus_128_names_the_node():
    w = np.ones((4, 8), np.int8)
    w[1, 2] = -128
    with pytest.raises(GraphError, match=r"'fc' \(QGemm\).*-128"):
        _qgemm(w=w).build()


def test_qconv_zero_point_and_scale_checked_at_load():
    def build(**attrs):
        b = GraphBuilder()
        x = b.input("x", "uint8", ("N", 4, 4, 2))
        kw = dict(x_scale=0.02, x_zero_point=0, y_scale=0.05, y_zero_point=10,
                  out_dtype="uint8")
        kw.update(attrs)
        b.output(b.node("QConv", [x, np.ones((3, 1, 1, 2), np.int8),
                                  np.full(3, 0.01, np.float32)], name="qc", **kw))
        return b.build()

    build()
    for attrs in (dict(x_zero_point=300), dict(y_zero_point=1000),
                  dict(x_scale=1e-30, y_scale=1e30)):
        with pytest.raises(GraphError, match=r"'qc' \(QConv\)"):
            build(**attrs)


def test_quantize_linear_without_input_is_a_graph_error():
    b = GraphBuilder()
    b.input("x", "float32", ("N", 4))
    b.output(b.node("QuantizeLinear", [None, np.array(0.1, np.float32)], name="q"))
    with pytest.raises(GraphError, match=r"'q' \(QuantizeLinear\): input #0 is required"):
        b.build()


@pytest.mark.parametrize("attr,value", [("strides", [2**31 - 1, 1]), ("dilations", [1, 2**20]),
                                        ("pads", [0, 0, 2**17, 0])])
def test_conv_window_attributes_bounded_at_load(attr, value):
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 6, 6, 3))
    b.output(b.node("Conv", [x, np.ones((4, 3, 3, 3), np.float32)], name="conv",
                    **{attr: value}))
    with pytest.raises(GraphError, match=rf"'conv' \(Conv\): {attr}"):
        b.build()


def test_nan_into_dynamic_int8_layer_is_a_value_error(rng):
    """Data a kernel rejects at run time: ValueError naming the node (not RuntimeError)."""
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 32))
    w = pyedge.tensors.Int4Grouped.from_float(rng.standard_normal((8, 32)).astype(np.float32),
                                              32)
    b.output(b.linear_encoded(x, w, name="int4", activations="qd8"))
    xs = np.zeros((2, 32), np.float32)
    xs[1, 3] = np.nan
    with pytest.raises(ValueError, match=r"'int4' \(LinearInt4\) failed: .*NaN"):
        b.build()(xs)
