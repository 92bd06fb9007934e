"""The fuzz targets in CI: replay the committed corpus, a bounded batch of structure-aware
mutations, and a short atheris (libFuzzer) run of each target."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

import pyedge
from tests.fuzz import fuzz_load_run, fuzz_reader
from tests.fuzz.harness import CORPUS
from tests.fuzz.mutate import mutate
from tests.fuzz.seeds import write_seeds

TARGETS = {"reader": fuzz_reader.one_input, "load_run": fuzz_load_run.one_input}
CASE_SECONDS = 10  # a case running longer is a hang
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _one_thread():
    pyedge.set_num_threads(1)  # as the fuzz driver: tiny models, no OpenMP wake-ups


class Hang(Exception):
    pass


@contextmanager
def time_limit(seconds: int):
    def alarm(signum, frame):
        raise Hang(f"case ran longer than {seconds} s")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def corpus_files() -> list[Path]:
    return sorted(p for p in CORPUS.iterdir() if p.is_file())


def test_corpus_has_seeds_and_regressions():
    names = {p.name for p in corpus_files()}
    assert {"mlp_f32.pedge", "conv_f32.pedge", "int8.pedge", "encoded.pedge"} <= names


@pytest.mark.parametrize("target", TARGETS)
def test_corpus_replay(target):
    for path in corpus_files():
        with time_limit(CASE_SECONDS):
            TARGETS[target](path.read_bytes())


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    return [p.read_bytes() for p in write_seeds(tmp_path_factory.mktemp("seeds"), demo=False)]


@pytest.mark.parametrize("target", TARGETS)
def test_structured_mutations(target, seeds):
    """300 chains of up to 3 mutations per target, deterministic (seeded)."""
    rng = random.Random(f"pyedge-{target}")
    for _ in range(100):
        data = rng.choice(seeds)
        for _ in range(3):
            data = mutate(data, rng)
            with time_limit(CASE_SECONDS):
                TARGETS[target](data)


@pytest.mark.parametrize("target", ["reader", "load_run"])
def test_atheris_short_run(target, tmp_path):
    """A bounded libFuzzer run over the committed corpus: exits 0 (no crash, no hang)."""
    pytest.importorskip("atheris")
    runs = {"reader": 3000, "load_run": 1500}[target]
    cmd = [sys.executable, "-m", f"tests.fuzz.fuzz_{target}", f"-runs={runs}", "-seed=1",
           "-max_total_time=25", str(tmp_path), str(CORPUS)]
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Done" in proc.stderr, proc.stderr[-3000:]
