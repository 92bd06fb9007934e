"""Golden vectors: every implementation on this CPU reproduces the committed oracle outputs.

Integer outputs (and the exact qd8 float sequence) must match with 0 LSB difference; float
outputs within the per-element ``tol`` stored in the file (tools/make_golden.py).
"""

import numpy as np
import pytest

from pyedge.kernels import (
    avg_pool2d,
    depthwise_conv2d,
    depthwise_conv2d_q,
    gemm_lut,
    gemm_qc4w,
    lut_channels,
    max_pool2d,
    pack_f32w,
    pack_qc8w,
    qgemm,
    qspmm,
    qspmm_t,
    registry,
    sgemm,
    spmm,
    spmm_t,
)
from pyedge.kernels.dwconv2d import GENERIC
from pyedge.tensors import Codebook, Int4Grouped
from pyedge.tensors.bsr import BSR
from pyedge.tensors.csr import CSR
from tests.conftest import assert_best_native_ran
from tests.golden.vectors import files, read

CASES = [case for path in files() for case in read(path)]
FAMILIES = sorted({family for _, family, _ in CASES})


def _clamp(a: dict):
    c = a.get("clamp")
    if c is None:
        return None
    return (float(c[0]), float(c[1])) if a["expected"].dtype == np.float32 else tuple(
        int(v) for v in c)


def _qout(a: dict) -> dict:
    return dict(bias_int32=a.get("bias"), multiplier=a.get("multiplier"),
                out_zero_point=int(a.get("out_zp", 0)), out_dtype=a["expected"].dtype,
                clamp=_clamp(a))


def _sparse(a: dict):
    shape, block = tuple(int(v) for v in a["shape"]), tuple(int(v) for v in a["block"])
    scale = a.get("scale")  # int8 values: row scales (ones for the integer qspmm cases)
    if scale is None and a["values"].dtype == np.int8:
        scale = np.ones(shape[0], np.float32)
    if block == (1, 1):
        return CSR(shape, a["indptr"], a["indices"], a["values"], scale)
    return BSR(shape, block, a["indptr"], a["indices"], a["values"], scale)


def _geo(a: dict) -> dict:
    return dict(stride=tuple(int(v) for v in a["stride"]), pads=tuple(int(v) for v in a["pads"]),
                dilation=tuple(int(v) for v in a["dilation"]))


def _act(a: dict) -> dict:
    return dict(activation="clamp", clamp=(float(a["lo"]), float(a["hi"])))


def run_case(family: str, a: dict, kernel: str) -> np.ndarray:
    """Run golden case arrays ``a`` of ``family`` through the public API with ``kernel``."""
    if family == "qs8_qc8w_gemm":
        return qgemm(a["a"], int(a["a_zp"]), pack_qc8w(a["w"]), **_qout(a), kernel=kernel)
    if family.endswith("qc4w_gemm"):
        w = Int4Grouped(a["q"], a["scale"], int(a["group"]))
        act = "qd8" if family.startswith("qd8") else "f32"
        return gemm_qc4w(a["x"], w, a.get("bias"), act, kernel=kernel)
    if family.startswith("f32_lut"):
        w = Codebook(a["indices"], a["levels"], int(a["bits"]),
                     (a["indices"].shape[0], a["x"].shape[1]))
        return gemm_lut(a["x"], w, a.get("bias"), kernel=kernel)
    if family.startswith("qs8_qc8w_spmm"):
        fn = qspmm_t if a["transposed"] else qspmm
        w, x = _sparse(a), a["x"]
        args = (x, w) if a["transposed"] else (w, x)
        return fn(*args, int(a["x_zp"]), **_qout(a), kernel=kernel)
    if family.startswith(("f32_spmm", "f32_qc8w_spmm")):
        w, x = _sparse(a), a["x"]
        if a["transposed"]:
            return spmm_t(x, w, a.get("bias"), **_act(a), kernel=kernel)
        return spmm(w, x, a.get("bias"), **_act(a), kernel=kernel)
    if family == "qs8_qc8w_dwconv2d":
        return depthwise_conv2d_q(a["x"], int(a["x_zp"]), a["w"], **_qout(a), **_geo(a),
                                  kernel=kernel)
    if family.startswith("f32_dwconv2d"):
        return depthwise_conv2d(a["x"], a["w"], a["bias"], **_geo(a), **_act(a), kernel=kernel)
    if family == "f32_gemm_minmax":
        return sgemm(a["x"], pack_f32w(a["w"]), a["bias"], **_act(a), kernel=kernel)
    if family.endswith("pool"):
        pool = dict(kernel=tuple(int(v) for v in a["kernel"]),
                    stride=tuple(int(v) for v in a["stride"]),
                    pads=tuple(int(v) for v in a["pads"]), kernel_impl=kernel)
        if family.endswith("maxpool"):
            return max_pool2d(a["x"], **pool)
        return avg_pool2d(a["x"], count_include_pad=bool(a["include_pad"]), **pool)
    if family == "x8_lut_channels":
        return lut_channels(a["x"], a["table"], kernel=kernel)
    raise AssertionError(f"no runner for golden family {family}")


def kernels_for(family: str) -> list[str]:
    """Every implementation that must reproduce a case of ``family`` (generic depthwise too)."""
    names = [k.name for k in registry.kernels(family)]
    if family.startswith("f32_dwconv2d") and family != GENERIC:
        names += [k.name for k in registry.kernels(GENERIC)]
    return names


def check(a: dict, got: np.ndarray) -> int:
    """Number of elements of ``got`` outside the case's tolerance (0 LSB for integers)."""
    want = a["expected"]
    assert got.dtype == want.dtype and got.shape == want.shape
    if "tol" in a:
        return int(np.count_nonzero(~(np.abs(got.astype(np.float64) - want) <= a["tol"])))
    return int(np.count_nonzero(got.view(np.uint8) != want.view(np.uint8)))


def test_golden_files_are_small_and_cover_every_integer_family():
    assert sum(p.stat().st_size for p in files()) < 2 * 2**20
    for fam in ("qs8_qc8w_gemm", "qd8_f32_qc4w_gemm", "qs8_qc8w_spmm_csr",
                "qs8_qc8w_spmm_bsr_4x4", "qs8_qc8w_dwconv2d", "u8_avgpool", "x8_lut_channels"):
        assert fam in FAMILIES


@pytest.mark.parametrize("family", FAMILIES)
def test_every_kernel_reproduces_golden_vectors(family):
    cases = [(name, a) for name, fam, a in CASES if fam == family]
    bad = {}
    for kernel in kernels_for(family):
        for name, a in cases:
            diff = check(a, run_case(family, a, kernel))
            if diff:
                bad[f"{kernel} {name}"] = diff
    assert not bad, f"elements differing from the golden outputs: {bad}"


def test_best_native_kernels_ran():
    for family in FAMILIES:
        assert_best_native_ran(family)
