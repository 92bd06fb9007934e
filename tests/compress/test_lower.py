"""Lowering: node forms, QLinearSparse matches QGemm bit for bit, Q/DQ only at domain edges."""

import numpy as np
import pytest

import pyedge
from pyedge.runtime import Graph, Model
from pyedge.runtime.graph import Node, ValueInfo
from pyedge.tensors import BSR, CSR


def _one(op, ins, weights, attrs, k, xdtype=np.uint8):
    g = Graph([ValueInfo("x", np.dtype(xdtype), ("N", k))], ["y"],
              [Node("n", op, ("x", *ins), ("y",), attrs)])
    return Model(g, weights)


@pytest.mark.parametrize("block", [(1, 1), (4, 4), (8, 1)])
@pytest.mark.parametrize("out_dtype", ["uint8", "float32"])
def test_qlinear_sparse_equals_qgemm_on_the_same_int8_weights(block, out_dtype):
    rng = np.random.default_rng(0)
    n, k = 24, 40
    q = rng.integers(-127, 128, (n, k)).astype(np.int8)
    q[rng.random((n, k)) < 0.6] = 0
    if block != (1, 1):  # zero whole blocks so the BSR holds exactly q
        keep = rng.random((n // block[0], k // block[1])) < 0.5
        q = q * np.repeat(np.repeat(keep, block[0], 0), block[1], 1).astype(np.int8)
    f = (CSR.from_dense(q.astype(np.float32)) if block == (1, 1)
         else BSR.from_dense(q.astype(np.float32), block))  # exact int8 values, as float
    scale = rng.uniform(0.001, 0.01, n).astype(np.float32)
    bias = rng.integers(-500, 500, n).astype(np.int32)
    attrs = {"x_scale": 0.02, "x_zero_point": 7, "y_scale": 0.05, "y_zero_point": 3,
             "activation": "relu", "out_dtype": out_dtype}
    dense = _one("QGemm", ["w", "s", "b"], {"w": q, "s": scale, "b": bias}, attrs, k)
    attrs_s = {**attrs, "k": k, **({"block": list(block)} if block != (1, 1) else {})}
    sparse = _one("QLinearSparse", ["p", "i", "v", "s", "b"],
                  {"p": f.indptr, "i": f.indices, "v": f.values.astype(np.int8), "s": scale,
                   "b": bias}, attrs_s, k)
    x = rng.integers(0, 256, (9, k)).astype(np.uint8)
    np.testing.assert_array_equal(sparse.run({"x": x})["y"], dense.run({"x": x})["y"])


def test_qlinear_sparse_rejects_float_values():
    w = CSR.from_dense(np.eye(8, dtype=np.float32))
    with pytest.raises(pyedge.runtime.GraphError, match="int8"):
        _one("QLinearSparse", ["p", "i", "v", "s"],
             {"p": w.indptr, "i": w.indices, "v": w.values, "s": np.ones(8, np.float32)},
             {"k": 8, "x_scale": 1.0, "y_scale": 1.0}, 8)


def test_int8_graph_has_quantize_only_at_the_edges():
    from pyedge.demo_data import CALIBRATION, MODEL, load_images

    xc, _ = load_images(CALIBRATION)
    m, _ = pyedge.compress(MODEL, "int8", calib=xc[:64], progress=False, measure=False)
    ops = [n.op for n in m.graph.nodes]
    assert ops.count("QuantizeLinear") == 2  # the image, and the pooled features for fc
    assert ops.count("DequantizeLinear") == 1  # before the float global average pool
    assert ops[-1] == "QGemm" and m.graph.nodes[-1].attrs["out_dtype"] == "float32"
    for n in m.graph.nodes:  # default attributes are dropped (compact header)
        assert n.attrs.get("strides") != [1, 1] and n.attrs.get("group") != 1
