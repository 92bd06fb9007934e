"""`pyedge compress` writes a model and a report; `pyedge inspect` shows per-layer encodings."""

import json

import numpy as np

from pyedge.cli import build_parser, main
from pyedge.demo_data import CALIBRATION, MODEL, TEST_SLICE


def _small_npz(src, dst, n):
    with np.load(src) as z:
        np.savez(dst, images=z["images"][:n], labels=z["labels"][:n])
    return str(dst)


def test_compress_writes_model_and_report(tmp_path, capsys):
    calib = _small_npz(CALIBRATION, tmp_path / "calib.npz", 100)
    ev = _small_npz(TEST_SLICE, tmp_path / "eval.npz", 200)
    out = tmp_path / "m.pedge"
    rc = main(["compress", str(MODEL), "-o", str(out), "--recipe", "int8", "--calib", calib,
               "--eval", ev, "--report-dir", str(tmp_path / "rep"), "--no-progress"])
    assert rc == 0 and out.is_file()
    text = capsys.readouterr().out
    assert "smaller" in text and "accuracy" in text and "block3_pw" in text
    doc = json.loads((tmp_path / "rep" / "report.json").read_text())
    assert doc["totals"]["bytes_after"] == out.stat().st_size
    assert len(doc["layers"]) == 8
    assert (tmp_path / "rep" / "report.md").read_text().startswith("# pyedge compression")
    assert main(["inspect", str(out)]) == 0
    text = capsys.readouterr().out
    assert "int8 per-channel, 8-bit act" in text and "compressed by pyedge" in text


def test_compress_without_calibration_still_writes_everything(tmp_path, capsys):
    out = tmp_path / "m.pedge"
    rc = main(["compress", str(MODEL), "-o", str(out), "-r", "nu4", "--no-progress"])
    assert rc == 0 and out.is_file()
    assert (tmp_path / "m-report" / "report.md").is_file()
    text = capsys.readouterr().out
    assert "calibration" in text  # depthwise layers: int8 fallback needs data -> float


def test_compress_bad_recipe_is_a_clear_error(tmp_path, capsys):
    rc = main(["compress", str(MODEL), "-o", str(tmp_path / "m.pedge"), "-r", "int7"])
    assert rc == 2 and "unknown recipe 'int7'" in capsys.readouterr().err


def test_help_lists_the_options():
    sub = build_parser()._subparsers._group_actions[0].choices["compress"]
    text = sub.format_help()
    for opt in ("--recipe", "--calib", "--eval", "--budget", "--report-dir", "--seed"):
        assert opt in text
