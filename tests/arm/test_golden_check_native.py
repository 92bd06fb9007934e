"""The C golden checker (tests/arm/golden_check.c) built natively against the portable kernels.

Always runs (needs only the host C compiler), so the harness that tools/test_arm.sh runs under
qemu-aarch64 is itself tested on every machine, including that it reports a difference.
"""

import shutil
import subprocess
import sysconfig
from pathlib import Path

import pytest

from tests.golden.vectors import files, read, write

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def checker(tmp_path_factory) -> Path:
    cc = sysconfig.get_config_var("CC").split()[0] if sysconfig.get_config_var("CC") else "cc"
    cc = shutil.which(cc) or shutil.which("cc")
    assert cc, "no C compiler found"
    exe = tmp_path_factory.mktemp("golden") / "golden_check"
    sources = [ROOT / "kernels/cpuinfo.c", *sorted(ROOT.glob("kernels/*/*-scalar.c")),
               ROOT / "tests/arm/golden_check.c"]
    subprocess.run([cc, "-O1", "-std=c11", "-fno-math-errno", "-ffp-contract=off",
                    f"-I{ROOT / 'kernels/include'}", *map(str, sources), "-lm", "-o", str(exe)],
                   check=True)
    return exe


def test_portable_kernels_reproduce_every_golden_file(checker):
    res = subprocess.run([str(checker), "--sweep", "20", *map(str, files())],
                         capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert res.stdout.count("sweep ") == 4, res.stdout
    (total,) = [line for line in res.stdout.splitlines() if line.startswith("TOTAL:")]
    assert total.endswith(" 0 differences"), res.stdout
    assert "qs8_qc8w_gemm_minmax_4x4__scalar" in res.stdout


def test_checker_reports_a_one_lsb_difference(checker, tmp_path):
    cases = read(ROOT / "tests/golden/qgemm.bin")
    name, family, arrays = cases[1]
    want = arrays["expected"].copy()
    want.reshape(-1)[0] += 1  # one LSB off
    path = tmp_path / "bad.bin"
    write(path, [(name, family, dict(arrays, expected=want))])
    res = subprocess.run([str(checker), str(path)], capture_output=True, text=True)
    assert res.returncode == 1, res.stdout
    assert "DIFF qs8_qc8w_gemm_minmax_4x4__scalar" in res.stdout
