"""``pyedge run / inspect / import`` on corrupt, truncated, mutated and missing files: a one-line
``pyedge <cmd>: error: ...`` on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pyedge.cli import main
from tests.fuzz.harness import CORPUS
from tests.fuzz.mutate import mutate

ROOT = Path(__file__).resolve().parents[2]
MODEL = CORPUS / "mlp_f32.pedge"  # input x: float32 [N, 12]


@pytest.fixture
def files(tmp_path):
    raw = MODEL.read_bytes()
    paths = {
        "truncated": raw[:len(raw) // 2],
        "empty": b"",
        "garbage": b"\x08\x07not a model" * 10,
        "npz_garbage": b"PK\x03\x04junk",
    }
    out = {}
    for name, data in paths.items():
        out[name] = tmp_path / name
        out[name].write_bytes(data)
    np.save(tmp_path / "x.npy", np.zeros((2, 12), np.float32))
    out["x"] = tmp_path / "x.npy"
    out["missing"] = tmp_path / "missing.pedge"
    out["directory"] = tmp_path
    return out


def _fails_cleanly(argv, capsys) -> str:
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"pyedge {argv[0]}: error: ") and "Traceback" not in err
    return err


@pytest.mark.parametrize("bad", ["truncated", "empty", "garbage", "missing", "directory"])
def test_run_and_inspect_bad_model(files, bad, capsys):
    _fails_cleanly(["run", files[bad], "-i", files["x"]], capsys)
    _fails_cleanly(["inspect", files[bad]], capsys)


@pytest.mark.parametrize("bad", ["truncated", "empty", "npz_garbage", "missing", "garbage"])
def test_run_bad_input_file(files, bad, capsys):
    _fails_cleanly(["run", MODEL, "-i", files[bad]], capsys)


@pytest.mark.parametrize("bad", ["truncated", "empty", "garbage", "missing"])
def test_import_bad_onnx(files, bad, tmp_path, capsys):
    pytest.importorskip("onnx")
    _fails_cleanly(["import", files[bad], "-o", tmp_path / "out.pedge"], capsys)
    assert not (tmp_path / "out.pedge").exists()


def test_mutated_models(tmp_path, files, capsys):
    """40 structurally mutated models: each runs, or fails with a one-line error."""
    rng = random.Random(40)
    raw = MODEL.read_bytes()
    for i in range(40):
        path = tmp_path / f"m{i}.pedge"
        path.write_bytes(mutate(raw, rng))
        for argv in (["inspect", path], ["run", path, "-i", files["x"]]):
            code = main([str(a) for a in argv])
            err = capsys.readouterr().err
            assert code in (0, 2) and "Traceback" not in err
            assert code == 0 or err.startswith(f"pyedge {argv[0]}: error: ")


def test_subprocess_exit_code_and_no_traceback(files):
    proc = subprocess.run([sys.executable, "-m", "pyedge", "inspect", str(files["truncated"])],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.startswith("pyedge inspect: error: ") and "Traceback" not in proc.stderr
