"""QLookup nodes (per-channel 8-bit tables) and the QDQ chain folding that produces them."""

import numpy as np
import pytest

from pyedge.importers.onnx_qchain import fold_lookup_chains
from pyedge.ref.lut_channels import lut_channels as ref_lut_channels
from pyedge.runtime import GraphBuilder, GraphError


@pytest.mark.parametrize("in_dtype,rows", [(np.uint8, 6), (np.int8, 6), (np.uint8, 1)])
def test_qlookup_node(in_dtype, rows, rng):
    table = rng.integers(-128, 128, (rows, 256), dtype=np.int8)
    b = GraphBuilder()
    x = b.input("x", np.dtype(in_dtype).name, ("N", 3, 4, 6))
    b.output(b.node("QLookup", [x, table], name="lut"))
    xs = rng.integers(0, 256, (2, 3, 4, 6), dtype=np.uint8).view(in_dtype)
    got = b.build()(xs)
    assert got.dtype == np.int8
    np.testing.assert_array_equal(got, ref_lut_channels(xs, table))


def test_qlookup_bad_table():
    b = GraphBuilder()
    x = b.input("x", "uint8", ("N", 6))
    b.output(b.node("QLookup", [x, np.zeros((5, 256), np.uint8)], name="lut"))
    with pytest.raises(GraphError, match="lut.*table"):
        b.build()


def _chain(rng, c=5):
    b = GraphBuilder()
    x = b.input("x", "uint8", ("N", 4, c))
    f = b.node("DequantizeLinear", [x, np.array(0.1, np.float32), np.array(120, np.uint8)],
               name="dq")
    bn = [rng.random(c).astype(np.float32) + 0.5, rng.standard_normal(c).astype(np.float32),
          rng.standard_normal(c).astype(np.float32), rng.random(c).astype(np.float32) + 0.1]
    f = b.node("BatchNormalization", [f] + bn, name="bn", epsilon=1e-5)
    f = b.node("Relu6", [f], name="relu6")
    b.output(b.node("QuantizeLinear", [f, np.array(0.03, np.float32), np.array(3, np.uint8)],
                    name="q"))
    return b


def test_fold_lookup_chain_is_exact(rng):
    xs = rng.integers(0, 256, (3, 4, 5), dtype=np.uint8)
    want = _chain(np.random.default_rng(5)).build()(xs)
    b = _chain(np.random.default_rng(5))
    fold_lookup_chains(b)
    assert [n.op for n in b._nodes] == ["QLookup"]
    np.testing.assert_array_equal(b.build()(xs), want)
