"""Every reverse-mode rule against central finite differences (float64), one test per op."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pyedge.train import GraphModule
from tests.train.gradcheck import check_grads, one_node_graph

RNG = np.random.default_rng(1)


def _run(op, xs: dict, ws: dict, attrs: dict, order=None):
    order = order or [*xs, *ws]
    g = one_node_graph(op, {k: v.shape for k, v in xs.items()}, ws, attrs, order)
    m = GraphModule(g, ws, dtype=np.float64)
    check_grads(m, xs)


def r(*shape):
    return RNG.standard_normal(shape)


@pytest.mark.parametrize("kind", ["dense3x3", "stride2_pad", "dilated", "grouped",
                                  "depthwise", "depthwise_s2", "depthwise_mult", "pointwise",
                                  "relu6", "rect"])
def test_conv(kind):
    cfg = {
        "dense3x3": (3, 4, 3, 3, 1, {"pads": [1, 1, 1, 1], "activation": "relu"}),
        "stride2_pad": (2, 5, 3, 3, 1, {"strides": [2, 2], "pads": [1, 0, 1, 2]}),
        "dilated": (3, 2, 3, 3, 1, {"dilations": [2, 2], "pads": [2, 2, 2, 2]}),
        "grouped": (4, 6, 3, 3, 2, {"pads": [1, 1, 1, 1], "group": 2}),
        "depthwise": (4, 4, 3, 3, 4, {"pads": [1, 1, 1, 1], "group": 4,
                                      "activation": "relu"}),
        "depthwise_s2": (3, 3, 3, 3, 3, {"pads": [1, 1, 1, 1], "group": 3,
                                         "strides": [2, 2]}),
        "depthwise_mult": (2, 4, 3, 3, 2, {"pads": [1, 1, 1, 1], "group": 2}),
        "pointwise": (5, 3, 1, 1, 1, {}),
        "relu6": (2, 3, 3, 3, 1, {"activation": "clamp", "clamp": [-0.5, 0.5]}),
        "rect": (2, 3, 2, 3, 1, {"strides": [1, 2], "pads": [0, 1, 1, 0]}),
    }[kind]
    cin, cout, kh, kw, group, attrs = cfg
    attrs = {"group": group, **attrs}
    _run("Conv", {"x": r(2, 7, 6, cin)}, {"w": r(cout, kh, kw, cin // group),
                                           "b": r(cout)}, attrs)


@pytest.mark.parametrize("attrs", [{}, {"transB": 1, "alpha": 0.5, "beta": 2.0},
                                   {"transA": 1, "activation": "relu"}])
def test_gemm(attrs):
    a = r(4, 5) if attrs.get("transA") else r(5, 4)
    w = r(3, 4) if attrs.get("transB") else r(4, 3)
    _run("Gemm", {"a": a}, {"w": w, "c": r(3)}, attrs)


def test_linear_nd():
    _run("Linear", {"a": r(2, 3, 4)}, {"w": r(5, 4), "b": r(5)}, {})


@pytest.mark.parametrize("shapes", [((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)),
                                    ((4,), (4, 3)), ((2, 1, 3, 4), (3, 4, 2))])
def test_matmul(shapes):
    _run("MatMul", {"a": r(*shapes[0])}, {"b": r(*shapes[1])}, {})


@pytest.mark.parametrize("op", ["Add", "Sub", "Mul"])
def test_binary(op):
    _run(op, {"a": r(2, 3, 4)}, {"b": r(3, 1)}, {})
    _run(op, {"a": r(3, 1), "b": r(2, 3, 4)}, {}, {})


@pytest.mark.parametrize("op,attrs", [("Relu", {}), ("Relu6", {}), ("HardSwish", {}),
                                      ("Sigmoid", {}), ("Tanh", {}), ("Gelu", {}),
                                      ("Gelu", {"approximate": "tanh"})])
def test_activation(op, attrs):
    x = r(3, 5, 4) * 4  # spans the kinks of Relu6 / HardSwish
    _run(op, {"x": x}, {}, attrs)


@pytest.mark.parametrize("attrs", [{"kernel_shape": [2, 2], "strides": [2, 2]},
                                   {"kernel_shape": [3, 3], "strides": [2, 2],
                                    "pads": [1, 1, 1, 1]},
                                   {"kernel_shape": [3, 2], "ceil_mode": 1, "strides": [2, 2]},
                                   {"kernel_shape": [2, 2], "dilations": [2, 2]}])
def test_max_pool(attrs):
    _run("MaxPool", {"x": r(2, 7, 6, 3)}, {}, attrs)


@pytest.mark.parametrize("attrs", [{"kernel_shape": [2, 2], "strides": [2, 2]},
                                   {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1]},
                                   {"kernel_shape": [3, 3], "pads": [1, 1, 1, 1],
                                    "count_include_pad": 1, "strides": [2, 2]}])
def test_average_pool(attrs):
    _run("AveragePool", {"x": r(2, 7, 6, 3)}, {}, attrs)


def test_global_average_pool():
    _run("GlobalAveragePool", {"x": r(2, 5, 4, 3)}, {}, {})


@pytest.mark.parametrize("axis", [-1, 1])
def test_softmax(axis):
    _run("Softmax", {"x": r(3, 4, 5)}, {}, {"axis": axis})


@pytest.mark.parametrize("axis", [-1, 1])
def test_layer_norm(axis):
    shape = (3, 4, 5)
    norm = shape[axis % 3:]
    _run("LayerNormalization", {"x": r(*shape)}, {"s": r(*norm), "b": r(*norm)},
         {"axis": axis})


def test_reshape():
    _run("Reshape", {"x": r(2, 3, 4)}, {}, {"shape": [0, -1]})


def test_flatten():
    _run("Flatten", {"x": r(2, 3, 4, 5)}, {}, {"axis": 2})


def test_transpose():
    _run("Transpose", {"x": r(2, 3, 4)}, {}, {"perm": [2, 0, 1]})


def test_concat():
    _run("Concat", {"a": r(2, 3, 4), "b": r(2, 5, 4)}, {"c": r(2, 1, 4)}, {"axis": 1})


@settings(max_examples=8, deadline=None)
@given(st.integers(1, 3), st.integers(1, 2), st.integers(1, 3), st.integers(1, 3),
       st.integers(1, 2), st.integers(1, 2), st.integers(0, 2), st.booleans(),
       st.integers(0, 2**16))
def test_conv_random_geometry(cin_g, group, kh, kw, stride, dil, pad, depthwise, seed):
    rng = np.random.default_rng(seed)
    if depthwise:
        cin_g, cout = 1, group * rng.integers(1, 3)
    else:
        cout = group * rng.integers(1, 3)
    h = (kh - 1) * dil + 1 + rng.integers(0, 4)
    w = (kw - 1) * dil + 1 + rng.integers(0, 4)
    attrs = {"group": group, "strides": [stride, stride], "dilations": [dil, dil],
             "pads": [pad, pad, pad, pad], "activation": "none"}
    xs = {"x": rng.standard_normal((2, h, w, cin_g * group))}
    ws = {"w": rng.standard_normal((int(cout), kh, kw, cin_g)), "b": rng.standard_normal(
        int(cout))}
    _run("Conv", xs, ws, attrs)


def test_depthwise_backward_is_independent_of_thread_count():
    from pyedge import config
    from pyedge.train.grad.depthwise_backward import depthwise_backward

    rng = np.random.default_rng(0)
    x = rng.standard_normal((9, 7, 6, 5)).astype(np.float32)
    gz = rng.standard_normal((9, 4, 3, 5)).astype(np.float32)
    wd = rng.standard_normal((3, 3, 5)).astype(np.float32)
    old = config.get_num_threads()
    try:
        res = []
        for t in (1, 2, 3):
            config.set_num_threads(t)
            res.append(depthwise_backward(x, gz, wd, (2, 2), (1, 1), (1, 1), True, True))
    finally:
        config.set_num_threads(old)
    for other in res[1:]:
        for a, b in zip(res[0], other, strict=True):
            np.testing.assert_array_equal(a, b)
