"""Report pieces: exact file size without writing, SQNR, Pareto front, Markdown/JSON/PNG."""

import json

import numpy as np

import pyedge
from pyedge.compress.report import Report, file_bytes, mark_front, sqnr_db
from pyedge.demo_data import MODEL


def test_file_bytes_is_the_size_save_writes(tmp_path):
    m = pyedge.load(MODEL)
    m.save(tmp_path / "m.pedge")
    assert file_bytes(m) == (tmp_path / "m.pedge").stat().st_size


def test_sqnr():
    x = np.ones(100)
    assert sqnr_db(x, x) == float("inf")
    assert abs(sqnr_db(x, x * 1.1) - 20.0) < 1e-9


def test_pareto_front():
    pts = mark_front([{"label": "a", "bytes": 10, "metric": 0.9},
                      {"label": "b", "bytes": 20, "metric": 0.8},
                      {"label": "c", "bytes": 5, "metric": 0.7},
                      {"label": "d", "bytes": 30, "metric": 0.95}])
    assert [p["front"] for p in pts] == [True, False, True, True]


def test_report_save_writes_markdown_json_and_png(tmp_path):
    layer = {"name": "fc", "op": "Gemm", "kind": "linear", "shape": [10, 128],
             "encoding": "int8", "asked": "int8", "reason": "", "bytes_before": 5160,
             "bytes_after": 1360, "weight_sqnr_db": 45.0, "output_sqnr_db": 50.0,
             "logits_sqnr_db": None, "time_float_s": 1e-5, "time_s": 5e-6,
             "metric_delta": -0.001, "info": {}}
    totals = {"bytes_before": 100, "bytes_after": 40, "size_ratio": 2.5,
              "weight_bytes_before": 80, "weight_bytes_after": 20, "layers": 1, "kept": 0,
              "metric_before": 0.9, "metric_after": 0.89, "metric_delta": -0.01}
    pareto = mark_front([{"label": "float32", "bytes": 100, "metric": 0.9, "size_ratio": 1},
                         {"label": "int8", "bytes": 40, "metric": 0.89, "size_ratio": 2.5}])
    paths = Report({"preset": "int8"}, [layer], totals, pareto).save(tmp_path)
    names = sorted(p.name for p in paths)
    assert names == ["report.json", "report.md", "report_pareto.png"]
    doc = json.loads((tmp_path / "report.json").read_text())
    assert doc["layers"][0]["name"] == "fc" and doc["totals"]["size_ratio"] == 2.5
    md = (tmp_path / "report.md").read_text()
    assert "| fc | Gemm | 10x128 | int8 | 5,160 | 1,360 |" in md and "2.00x" in md
