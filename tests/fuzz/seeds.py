"""Small valid .pedge models the fuzzers start from (float, int8, sparse, codebook, int4).

``python -m tests.fuzz.seeds DIR`` writes them (and a copy of the shipped demo model) to DIR.
The models are deterministic: same bytes on every run.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np

import pyedge
from pyedge.runtime import GraphBuilder
from pyedge.tensors import BSR, CSR, Codebook, Int4Grouped

DEMO = Path(pyedge.__file__).parent / "demo_data" / "fmnist_dwsep.pedge"


def _f32(rng, *shape) -> np.ndarray:
    return rng.standard_normal(shape).astype(np.float32)


def mlp_f32(rng) -> GraphBuilder:
    """Linear + ReLU + Linear + Softmax on x[N, 12]."""
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 12))
    h = b.node("Linear", [x, _f32(rng, 8, 12), _f32(rng, 8)], name="fc1", activation="relu")
    y = b.node("Linear", [h, _f32(rng, 4, 8)], name="fc2")
    b.output(b.node("Softmax", [y], name="prob", axis=-1))
    return b


def conv_f32(rng) -> GraphBuilder:
    """NHWC Conv + depthwise Conv + MaxPool + Reshape + Add on x[N, 6, 6, 3]."""
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 6, 6, 3))
    c = b.node("Conv", [x, _f32(rng, 4, 3, 3, 3), _f32(rng, 4)], name="conv",
               pads=[1, 1, 1, 1], activation="relu")
    d = b.node("Conv", [c, _f32(rng, 4, 3, 3, 1)], name="dw", group=4, pads=[1, 1, 1, 1])
    s = b.node("Add", [c, d], name="res")
    p = b.node("MaxPool", [s], name="pool", kernel_shape=[2, 2], strides=[2, 2])
    b.output(b.node("Reshape", [p], name="flat", shape=[0, -1]))
    return b


def int8(rng) -> GraphBuilder:
    """QuantizeLinear -> QGemm (uint8) -> QGemm (float32) and a QConv branch."""
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 16))
    q = b.node("QuantizeLinear", [x, np.array(0.05, np.float32), np.array(128, np.uint8)],
               name="q")
    h = b.node("QGemm", [q, rng.integers(-127, 128, (8, 16), dtype=np.int8),
                         rng.uniform(0.001, 0.01, 8).astype(np.float32),
                         rng.integers(-500, 500, 8, dtype=np.int32)], name="fc1",
               x_scale=0.05, x_zero_point=128, out_dtype="uint8", y_scale=0.1,
               y_zero_point=3, activation="relu")
    y = b.node("QGemm", [h, rng.integers(-127, 128, (4, 8), dtype=np.int8),
                         np.array(0.02, np.float32)], name="fc2", x_scale=0.1,
               x_zero_point=3, out_dtype="float32")
    img = b.input("img", "uint8", ("N", 5, 5, 2))
    c = b.node("QConv", [img, rng.integers(-127, 128, (3, 3, 3, 2), dtype=np.int8),
                         rng.uniform(0.001, 0.01, 3).astype(np.float32)], name="qconv",
               x_scale=0.02, x_zero_point=0, y_scale=0.05, y_zero_point=10,
               out_dtype="uint8", pads=[1, 1, 1, 1], strides=[2, 2])
    b.output(y, b.node("DequantizeLinear", [c, np.array(0.05, np.float32),
                                           np.array(10, np.uint8)], name="dq"))
    return b


def encoded(rng) -> GraphBuilder:
    """CSR (float), BSR 4x4 (int8), codebook (3-bit) and int4 (qd8) Linear layers in a chain."""
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 32))
    w = _f32(rng, 32, 32)
    mask = rng.random((32, 32)) < 0.3
    h = b.linear_encoded(x, CSR.from_dense(w * mask), _f32(rng, 32), name="csr",
                         activation="relu")
    h = b.linear_encoded(h, BSR.from_dense(_f32(rng, 32, 32) * mask, block=(4, 4),
                                           dtype=np.int8), name="bsr")
    h = b.linear_encoded(h, Codebook.from_float(_f32(rng, 32, 32), bits=3), name="lut",
                         activation="relu6")
    h = b.linear_encoded(h, Int4Grouped.from_float(_f32(rng, 16, 32), 32), name="int4",
                         activations="qd8")
    b.output(h)
    return b


BUILDERS = {"mlp_f32": mlp_f32, "conv_f32": conv_f32, "int8": int8, "encoded": encoded}


def write_seeds(directory: str | Path, demo: bool = True) -> list[Path]:
    """Write every seed model (``<name>.pedge``) and, with ``demo``, the demo model to
    ``directory``; return the paths."""
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (name, build) in enumerate(BUILDERS.items()):
        path = out / f"{name}.pedge"
        build(np.random.default_rng(i)).save(path, producer="pyedge fuzz seed")
        paths.append(path)
    if demo:
        paths.append(Path(shutil.copy(DEMO, out / DEMO.name)))
    return paths


if __name__ == "__main__":
    for p in write_seeds(sys.argv[1]):
        print(p, p.stat().st_size)
