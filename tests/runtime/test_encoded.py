"""Weight-only encoded Linear nodes (int4, codebook, CSR, BSR): file round trip and results."""

import numpy as np
import pytest

import pyedge
from pyedge.runtime import GraphBuilder, GraphError
from pyedge.runtime.summary import summarize
from pyedge.tensors import BSR, CSR, Codebook, Int4Grouped
from tests.tolerances import F32_SPMM

N, K = 48, 64


def _dense(w):
    return w.to_dense() if isinstance(w, CSR | BSR) else w.to_float()


def _encodings(rng):
    w = rng.standard_normal((N, K)).astype(np.float32)
    mask = rng.random((N, K)) < 0.3
    return {
        "int4": Int4Grouped.from_float(w, 32),
        "codebook": Codebook.from_float(w, bits=4),
        "codebook3": Codebook.from_float(w, bits=3, per_channel=False),
        "csr": CSR.from_dense(w * mask),
        "csr_int8": CSR.from_dense(w * mask, dtype=np.int8),
        "bsr": BSR.from_dense(w * mask, block=(4, 4)),
    }


def _bound(ref, x):
    """|got - ref| bound: float32 sums over K in any order (relative to sum |x| |w|)."""
    return F32_SPMM["rtol"] * (np.abs(x) @ np.abs(ref).T).max() + F32_SPMM["atol"]


@pytest.mark.parametrize("kind", ["int4", "codebook", "codebook3", "csr", "csr_int8", "bsr"])
@pytest.mark.parametrize("act", ["none", "relu"])
def test_round_trip_and_results(kind, act, rng, tmp_path):
    w = _encodings(rng)[kind]
    bias = rng.standard_normal(N).astype(np.float32)
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 5, K))
    b.output(b.linear_encoded(x, w, bias, name="fc", activation=act))
    path = tmp_path / "m.pedge"
    b.save(path)
    safetensors = pytest.importorskip("safetensors.numpy")
    stored = safetensors.load_file(str(path))
    assert any(name.startswith("fc.w.") for name in stored)
    model = pyedge.load(path)
    xs = rng.standard_normal((3, 5, K)).astype(np.float32)
    got = model(xs)
    ref = xs @ _dense(w).T.astype(np.float64) + bias
    if act == "relu":
        ref = np.maximum(ref, 0)
    assert got.shape == (3, 5, N)
    assert np.abs(got - ref).max() <= _bound(_dense(w), xs.reshape(-1, K))
    row = summarize(model)[0]
    assert row["weight_bytes"] == sum(v.nbytes for k, v in stored.items() if k.startswith("fc."))
    assert row["encoding"].split()[0] == {"int4": "int4", "codebook": "codebook",
                                          "codebook3": "codebook", "csr": "csr",
                                          "csr_int8": "csr", "bsr": "bsr"}[kind]
    if kind.startswith("csr") or kind == "bsr":
        assert row["sparsity"] == pytest.approx(1 - w.nnz / (N * K))


def test_sparse_1x1_conv_on_nhwc(rng):
    w = CSR.from_dense(rng.standard_normal((N, K)).astype(np.float32) *
                       (rng.random((N, K)) < 0.2))
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 4, 6, K))
    b.output(b.linear_encoded(x, w, name="pw", activation="relu6"))
    xs = rng.standard_normal((2, 4, 6, K)).astype(np.float32)
    got = b.build()(xs)
    ref = np.clip(xs @ w.to_dense().T.astype(np.float64), 0, 6)
    assert np.abs(got - ref).max() <= _bound(w.to_dense(), xs.reshape(-1, K))


def test_bad_encoded_weights(rng):
    w = Int4Grouped.from_float(rng.standard_normal((N, K)).astype(np.float32), 32)
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", K))
    b.output(b.node("LinearInt4", [x, w.q, w.scale.astype(np.float32)], name="fc",
                    group_size=32))
    with pytest.raises(GraphError, match="fc.*encoding"):
        b.build()
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", K + 2))
    b.output(b.linear_encoded(x, w, name="fc"))
    with pytest.raises(GraphError, match="K=64"):
        b.build()
    with pytest.raises(TypeError, match="w must be"):
        GraphBuilder().linear_encoded("x", np.zeros((2, 2), np.float32))
