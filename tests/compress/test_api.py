"""pyedge.compress end to end on the demo model: int8, weight-only, fallbacks, determinism."""

import numpy as np
import pytest

import pyedge
from pyedge.compress.api import accuracy_metric
from pyedge.demo_data import CALIBRATION, MODEL, TEST_SLICE, load_images


@pytest.fixture(scope="module")
def data():
    xc, _ = load_images(CALIBRATION)
    x, y = load_images(TEST_SLICE)
    return xc[:200], x[:500], y[:500]


@pytest.fixture(scope="module")
def int8(data):
    xc, x, y = data
    return pyedge.compress(MODEL, "int8", calib=xc, evaluate=accuracy_metric({"input": x}, y),
                           progress=False, measure=False)


def test_int8_static_keeps_accuracy_and_shrinks(int8, tmp_path, data):
    model, report = int8
    ops = [n.op for n in model.graph.nodes]
    assert ops.count("QConv") == 7 and ops.count("QGemm") == 1 and "Conv" not in ops
    t = report.totals
    assert abs(t["metric_delta"]) <= 0.01
    assert t["size_ratio"] > 2.5 and not report.kept()
    assert all(r["encoding"] == "int8" and r["weight_sqnr_db"] > 35 for r in report.layers)
    path = tmp_path / "m.pedge"
    model.save(path)
    loaded = pyedge.load(path)
    _, x, _ = data
    np.testing.assert_array_equal(loaded(x[:64]), model(x[:64]))
    assert path.stat().st_size == t["bytes_after"]


def test_same_seed_gives_identical_file_bytes(data, tmp_path):
    xc, _, _ = data
    paths = []
    for i in range(2):
        m, _ = pyedge.compress(MODEL, {"preset": "int8", "layers": {"*_pw": "w4",
                                                                     "fc": "nu4"}},
                               calib=xc, seed=3, progress=False, measure=False)
        paths.append(tmp_path / f"m{i}.pedge")
        m.save(paths[-1])
    assert paths[0].read_bytes() == paths[1].read_bytes()


def test_weight_only_layers_and_fallback_reasons(data):
    xc, x, _ = data
    model, report = pyedge.compress(MODEL, "w4", calib=xc, progress=False, measure=False)
    rows = {r["name"]: r for r in report.layers}
    assert rows["block3_pw"]["encoding"].startswith("w4")
    assert rows["block1_dw"]["encoding"] == "int8" and "depthwise" in rows["block1_dw"]["reason"]
    ops = {n.name: n.op for n in model.graph.nodes}
    assert ops["block3_pw"] == "LinearInt4" and ops["fc"] == "LinearInt4"
    assert ops["block1_dw"] == "QConv"
    assert np.isfinite(model(x[:8])).all()


def test_without_calibration_static_int8_layers_stay_float(data):
    model, report = pyedge.compress(MODEL, "int8", progress=False, measure=False)
    assert all(r["encoding"] == "float32" and "calibration" in r["reason"]
               for r in report.layers)
    assert [n.op for n in model.graph.nodes].count("Conv") == 7


def test_pyedge_compress_is_the_function_and_the_package():
    import pyedge.compress.recipe  # noqa: F401 (the package attribute stays callable)

    assert callable(pyedge.compress)


def test_bad_arguments():
    with pytest.raises(TypeError, match="model must be"):
        pyedge.compress(3, "int8")
    with pytest.raises(FileNotFoundError):
        pyedge.compress("missing.pedge", "int8")
    with pytest.raises(ValueError, match="unknown recipe"):
        pyedge.compress(MODEL, "int7")
    with pytest.raises(TypeError, match="calib must be"):
        pyedge.compress(MODEL, "int8", calib=[1, 2])


@pytest.mark.parametrize("preset", ["int8-dynamic", "w4", "nu3", "bsr90", "sparse50-int8"])
def test_every_preset_writes_a_loadable_model(preset, data, tmp_path):
    xc, x, _ = data
    model, report = pyedge.compress(MODEL, preset, calib=xc[:64], progress=False,
                                    measure=False)
    path = tmp_path / "m.pedge"
    model.save(path)
    assert np.isfinite(pyedge.load(path)(x[:4])).all()
    assert len(report.layers) == 8 and report.totals["bytes_after"] == path.stat().st_size
    assert all(r["encoding"] for r in report.layers)
