"""The shipped demo model loads, runs, matches its recorded accuracy, and `pyedge demo` works."""

import json

import numpy as np

import pyedge
from pyedge.cli import main
from pyedge.demo import evaluate
from pyedge.demo_data import CALIBRATION, MODEL, MODEL_INFO, TEST_SLICE, load_images


def test_shipped_model_matches_its_recorded_accuracy():
    model = pyedge.load(MODEL)
    x, labels = load_images(TEST_SLICE)
    assert x.shape == (2000, 1, 28, 28) and np.bincount(labels).tolist() == [200] * 10
    acc, _ = evaluate(model, x, labels, batch=500)
    recorded = model.recipe["float_accuracy"]
    assert recorded == json.loads(MODEL_INFO.read_text())["float_accuracy"]
    assert abs(acc - recorded["test2k_pyedge"]) <= 0.002  # kernels differ by ISA
    assert acc > 0.85
    assert abs(acc - recorded["test10k_pyedge"]) <= 0.015
    assert abs(recorded["test10k_pyedge"] - recorded["test10k_onnxruntime"]) <= 0.002
    assert MODEL.stat().st_size < 400_000


def test_calibration_slice_is_balanced_uint8():
    with np.load(CALIBRATION) as z:
        assert z["images"].shape == (1000, 28, 28) and z["images"].dtype == np.uint8
        assert np.bincount(z["labels"]).tolist() == [100] * 10


def test_pyedge_demo_compresses_measures_and_writes_reports(capsys, tmp_path):
    assert main(["demo", "--report-dir", str(tmp_path), "--no-progress"]) == 0
    out = capsys.readouterr().out
    assert "float32 | " in out and "kernel self-check" in out
    rows = {line.split(" | ")[0]: line.split(" | ") for line in out.splitlines()
            if line.count(" | ") >= 8}
    for label in ("int8", "w4 gptq", "nu4", "sparse50-int8", "auto 10x"):
        assert label in rows, out
        assert float(rows[label][3].rstrip(" %")) > 50  # every compressed model still works
        assert (tmp_path / f"{label.replace(' ', '_')}.pedge").is_file()
        assert (tmp_path / f"{label.replace(' ', '_')}.md").is_file()
    assert abs(float(rows["int8"][4].rstrip(" pt"))) <= 1.0
    assert float(rows["int8"][2].rstrip("x")) > 2.5
    assert (tmp_path / "demo.md").is_file() and (tmp_path / "demo_pareto.png").is_file()
