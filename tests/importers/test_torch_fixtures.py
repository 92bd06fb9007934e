"""Models exported from PyTorch (tools/export_torch_fixtures.py): pyedge matches torch's
recorded outputs and onnxruntime. Needs neither torch nor network."""

from pathlib import Path

import numpy as np
import pytest

import pyedge
from tests.tolerances import MODEL_PARITY

ort = pytest.importorskip("onnxruntime")

FIXTURES = Path(__file__).parent / "fixtures" / "torch"
NAMES = sorted(p.stem for p in FIXTURES.glob("*.onnx"))


def _close(got, want):
    assert got.shape == want.shape
    assert np.abs(got - want).max() <= MODEL_PARITY["rtol"] * np.abs(want).max()


def test_fixtures_exist():
    assert NAMES == ["mobilenetv2_blocks", "tiny_transformer", "upsample_net"]


@pytest.mark.parametrize("name", NAMES)
def test_matches_torch_and_onnxruntime(name):
    data = np.load(FIXTURES / f"{name}.npz")
    model = pyedge.from_onnx(FIXTURES / f"{name}.onnx")
    got = model(data["x"])
    _close(got, data["y"])
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(FIXTURES / f"{name}.onnx"), so,
                                providers=["CPUExecutionProvider"])
    _close(got, sess.run(None, {"x": data["x"]})[0])


@pytest.mark.parametrize("name", NAMES)
def test_dynamic_batch(name):
    data = np.load(FIXTURES / f"{name}.npz")
    model = pyedge.from_onnx(FIXTURES / f"{name}.onnx")
    x = data["x"][:1]
    _close(model(x), data["y"][:1])


def test_convnets_run_nhwc_without_float_layout_churn():
    model = pyedge.from_onnx(FIXTURES / "mobilenetv2_blocks.onnx")
    ops = [n.op for n in model.graph.nodes]
    assert ops.count("Transpose") == 1  # NCHW -> NHWC once at the input
    assert "BatchNormalization" not in ops  # folded into the convs
