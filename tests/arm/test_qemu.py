"""ARM NEON / dotprod ukernels against the golden vectors, cross-compiled and run under qemu.

Runs tools/test_arm.sh (aarch64-linux-gnu-gcc + qemu-aarch64). Machines without Debian's
gcc-aarch64-linux-gnu and qemu-user skip this test with the reason; the same C checker is
always tested natively in test_golden_check_native.py.
"""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MISSING = [t for t in ("aarch64-linux-gnu-gcc", "qemu-aarch64") if shutil.which(t) is None]


@pytest.mark.skipif(bool(MISSING), reason=f"ARM cross toolchain not installed: {MISSING} "
                    "(apt-get install gcc-aarch64-linux-gnu qemu-user)")
def test_neon_kernels_reproduce_golden_vectors_under_qemu(tmp_path):
    env = dict(os.environ, BUILD_DIR=str(tmp_path), ARM_BUILDS="neon", SWEEP="100")
    res = subprocess.run([str(ROOT / "tools/test_arm.sh")], capture_output=True, text=True,
                         env=env, timeout=900)
    assert res.returncode == 0, res.stdout + res.stderr
    totals = [line for line in res.stdout.splitlines() if line.startswith("TOTAL:")]
    assert len(totals) == 2 and all(t.endswith(" 0 differences") for t in totals), res.stdout
    for kernel in ("qs8_qc8w_gemm_minmax_4x16__neon", "qs8_qc8w_gemm_minmax_4x16c4__neondot",
                   "qs8_qc8w_gemm_minmax_4x16c4__neoni8mm",
                   "qd8_f32_qc4w_gemm_1x4__neondot", "qs8_qc8w_spmm_csr_minmax__neon",
                   "f32_spmm_csr_minmax__neon", "qs8_qc8w_dwconv2d_minmax__neon",
                   "qs8_qc8w_spmm_bsr_16x1_minmax__neon", "f32_spmm_bsr_4x1_minmax__neon",
                   "f32_dwconv2d_3x3s2__neon", "f32_dwconv2d_generic__neon",
                   "f32_qc4w_gemm_1x4__neon"):
        assert f"  {kernel} " in res.stdout, f"{kernel} did not run"
