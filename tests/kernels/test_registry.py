"""Kernel registry: listing, selection by backend, fallback with one warning, forcing by name."""

import subprocess
import sys
import warnings

import numpy as np
import pytest

import pyedge
from pyedge.kernels import available, registry
from pyedge.kernels.cpu import best_isa, cpu_features, isa_supported


def test_available_lists_full_names_of_every_backend():
    names = available()
    assert "qs8_qc8w_gemm_minmax__numpy" in names
    assert "qs8_qc8w_gemm_minmax__numba" in names
    assert any(n.endswith("__scalar") for n in names)
    assert all("__" in n for n in names)


def test_cpu_features_and_best_isa_are_consistent():
    feats = pyedge.cpu_features()
    assert feats is cpu_features()  # probed once
    assert isa_supported(best_isa())
    if feats["amx_permitted"]:
        assert best_isa() == "amx"


@pytest.mark.parametrize("backend", ["native", "numba", "numpy"])
def test_backend_env_forces_the_selected_kernel(backend, monkeypatch):
    monkeypatch.setenv("PYEDGE_BACKEND", backend)
    kern = registry.select("qs8_qc8w_gemm")
    assert kern.backend == backend


def test_bad_backend_env_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("PYEDGE_BACKEND", "cuda")
    with pytest.raises(ValueError, match="PYEDGE_BACKEND"):
        registry.select("qs8_qc8w_gemm")


def test_missing_native_build_falls_back_with_one_warning(monkeypatch):
    family = "test_fallback_family"

    def native():
        raise ImportError("extension not built")

    def numpy_impl():
        return [registry.Kernel("test_fallback__numpy", family, "numpy", "numpy", print)]

    monkeypatch.setitem(registry._loaders, (family, "native"), native)
    monkeypatch.setitem(registry._loaders, (family, "numpy"), numpy_impl)
    monkeypatch.setattr(registry, "_warned", [])
    with pytest.warns(RuntimeWarning, match="falling back to the numpy backend") as rec:
        assert registry.select(family).name == "test_fallback__numpy"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        registry.select(family)  # second time: no new warning
    assert len(rec) == 1
    assert "extension not built" in str(rec[0].message)


def test_unknown_family_and_kernel_are_clear_errors():
    with pytest.raises(KeyError, match="unknown kernel family"):
        registry.kernels("no_such_family")
    with pytest.raises(KeyError, match="no kernel named"):
        registry.get("no_such_kernel__avx2")


def test_set_num_threads_validates_and_applies():
    pyedge.set_num_threads(3)
    assert pyedge.get_num_threads() == 3
    with pytest.raises(ValueError, match="num_threads"):
        pyedge.set_num_threads(0)
    pyedge.set_num_threads(None)
    assert pyedge.get_num_threads() >= 1


def test_show_config_prints_backend_isa_and_kernels(capsys):
    pyedge.show_config()
    out = capsys.readouterr().out
    assert "backend" in out and "threads" in out
    assert registry.select("qs8_qc8w_gemm").name in out


def test_import_pyedge_does_no_jit_or_heavy_imports():
    code = ("import sys, pyedge, pyedge.kernels; "
            "print(sorted(m for m in ('numba', 'scipy', 'onnx', 'matplotlib') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_forced_kernel_of_another_family_is_rejected():
    other = registry.Kernel("x__numpy", "other_family", "numpy", "numpy", print)
    a = np.zeros((1, 1), np.uint8)
    with pytest.raises(ValueError, match="belongs to"):
        pyedge.kernels.qgemm(a, 0, pyedge.kernels.pack_qc8w(np.zeros((1, 1), np.int8)),
                             kernel=other)
