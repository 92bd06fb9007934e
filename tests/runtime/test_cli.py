"""``pyedge run`` and ``pyedge inspect``: outputs, tables and exit codes."""

import numpy as np
import pytest

from pyedge.cli import main
from pyedge.runtime import GraphBuilder


@pytest.fixture
def model_path(tmp_path, rng):
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 6))
    w = rng.standard_normal((4, 6)).astype(np.float32)
    w[0] = 0
    h = b.node("Linear", [x, b.weight("fc.w", w)], name="fc", activation="relu")
    b.output(b.node("Tanh", [h], name="out"))
    path = tmp_path / "m.pedge"
    b.save(path)
    return path, w


def test_run_writes_npz(model_path, tmp_path, rng, capsys):
    path, w = model_path
    x = rng.standard_normal((3, 6)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    assert main(["run", str(path), "-i", str(tmp_path / "x.npy"), "-o",
                 str(tmp_path / "y.npz")]) == 0
    with np.load(tmp_path / "y.npz") as z:
        np.testing.assert_allclose(z["out"], np.tanh(np.maximum(x @ w.T, 0)), rtol=1e-5,
                                   atol=1e-6)
    assert "out: float32[3, 4]" in capsys.readouterr().out
    np.save(tmp_path / "named.npy", x)
    assert main(["run", str(path), "-i", f"x={tmp_path / 'named.npy'}"]) == 0


@pytest.mark.parametrize("case,match", [
    ("dtype", "must have dtype float32"), ("missing", "No such file"),
    ("corrupt", "runs past the end"), ("name", "unknown")])
def test_run_errors_exit_2(model_path, tmp_path, capsys, case, match):
    path, _ = model_path
    np.save(tmp_path / "x.npy", np.zeros((2, 6)))
    args = ["run", str(path), "-i", str(tmp_path / "x.npy")]
    if case == "missing":
        args[1] = str(tmp_path / "nope.pedge")
    elif case == "corrupt":
        path.write_bytes(path.read_bytes()[:200])
    elif case == "name":
        np.save(tmp_path / "x.npy", np.zeros((2, 6), np.float32))
        args[-1] = f"y={tmp_path / 'x.npy'}"
    assert main(args) == 2
    assert match in capsys.readouterr().err


def test_inspect_table_and_json(model_path, capsys):
    path, _ = model_path
    assert main(["inspect", str(path)]) == 0
    out = capsys.readouterr().out
    assert "fc" in out and "f32_gemm__blas" in out and "float32[N, 6] -> float32[N, 4]" in out
    assert "0.25" in out  # one zero row of four: sparsity 1/4
    assert main(["inspect", str(path), "--json"]) == 0
    assert '"kernel": "f32_tanh__numpy"' in capsys.readouterr().out
