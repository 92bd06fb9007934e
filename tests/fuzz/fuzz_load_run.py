"""Fuzz target: ``pyedge.load`` and one ``Model.run`` of a mutated .pedge model.

Seeds are small valid models (float, int8, CSR/BSR sparse, codebook, int4: see
``tests/fuzz/seeds.py``) and the shipped demo model; the structure-aware mutator
(``tests/fuzz/mutate.py``) damages headers, the graph JSON (cycles, dangling names, node
order, attributes, ops), offsets, dtypes, shapes, tensor values and the file length. A model
that loads is run once on inputs of its declared shapes (symbolic dims = 2), unless the
inputs or its activation plan would exceed :data:`MAX_INPUT` / :data:`MAX_PLAN` bytes (the
harness never allocates a size taken from the file). Only ``pyedge.FormatError`` and
``ValueError`` (``GraphError``) may escape. Run (from the repository root)::

    python -m tests.fuzz.seeds /tmp/fz-load
    python -m tests.fuzz.fuzz_load_run -runs=500000 /tmp/fz-load tests/fuzz/corpus
"""

from __future__ import annotations

import math

import numpy as np

import pyedge
from tests.fuzz.harness import ALLOWED, fuzz_main, scratch_file

SYMBOL = 2  # value of every symbolic input dim
MAX_INPUT = 1 << 20  # bytes of all inputs together
MAX_PLAN = 1 << 26  # bytes of one run's activations (arena + inputs + outputs)


def feeds_for(model) -> dict | None:
    """Deterministic inputs of the declared dtypes and shapes, or None if too large."""
    rng = np.random.default_rng(0)
    feeds, shapes, total = {}, {}, 0
    for v in model.inputs:
        shape = shapes[v.name] = tuple(d if isinstance(d, int) else SYMBOL for d in v.shape)
        total += math.prod(shape) * v.dtype.itemsize
        if total > MAX_INPUT:
            return None
        if v.dtype.kind == "f":
            x = rng.standard_normal(shape).astype(v.dtype)
        elif v.dtype.kind == "b":
            x = rng.random(shape) < 0.5
        else:
            info = np.iinfo(v.dtype)
            x = rng.integers(max(info.min, -1000), min(info.max, 1000), shape, dtype=v.dtype,
                             endpoint=True)
        feeds[v.name] = x
    if model.memory_plan(shapes).peak_bytes > MAX_PLAN:
        return None
    return feeds


def one_input(data: bytes) -> None:
    """Load ``data`` as a model and run it once; only FormatError/ValueError may escape."""
    path = scratch_file(data)
    try:
        model = pyedge.load(path)
        feeds = feeds_for(model)
        if feeds is not None:
            model.run(feeds)
    except ALLOWED:
        pass


if __name__ == "__main__":
    fuzz_main(one_input)
