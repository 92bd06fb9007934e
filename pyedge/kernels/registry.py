"""Which kernel implementations exist on this CPU, and which one each family uses.

Every family (``qs8_qc8w_gemm``, ``f32_qc4w_gemm`` ...) registers one loader per backend.
Loaders run lazily (the Numba backend is not imported unless needed). :func:`select` picks
the best implementation once per family and backend and caches it; ``PYEDGE_BACKEND`` forces
a backend, and a missing native build falls back to Numba (else NumPy) with one warning.
"""

from __future__ import annotations

import functools
import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pyedge import config
from pyedge.kernels.cpu import isa_supported

log = logging.getLogger("pyedge.kernels")

ISA_PRIORITY = {"amx": 60, "avx512vnni": 50, "avx512": 40, "avx2": 30, "neoni8mm": 27,
                "neondot": 25, "neon": 20, "scalar": 10, "numba": 0, "numpy": -10}
FALLBACK = {"native": ("numba", "numpy"), "numba": ("numpy",), "numpy": ()}


@dataclass(frozen=True)
class Kernel:
    """One implementation of a kernel family.

    ``run`` is the backend entry point (its signature is fixed by the family module);
    ``params`` holds tile sizes and backend handles; ``min_m`` is the smallest row count for
    which the kernel is preferred (AMX tiles only pay off for many rows).
    """

    name: str
    family: str
    backend: str
    isa: str
    run: Callable[..., Any] = field(repr=False, compare=False)
    params: dict = field(default_factory=dict, repr=False, compare=False)
    min_m: int = 1

    @property
    def priority(self) -> int:
        return ISA_PRIORITY[self.isa]


_loaders: dict[tuple[str, str], Callable[[], list[Kernel]]] = {}
_native_missing: list[str] = []
used: set[str] = set()
"""Names of kernels that ran in this process (tests check the best SIMD path was exercised)."""


def register(family: str, backend: str, loader: Callable[[], list[Kernel]]) -> None:
    """Register ``loader`` returning the ``backend`` implementations of ``family``."""
    if backend not in config.BACKENDS:
        raise ValueError(f"unknown backend {backend!r}")
    _loaders[(family, backend)] = loader


def families() -> list[str]:
    """Names of all registered kernel families."""
    return sorted({f for f, _ in _loaders})


@functools.cache
def _load(family: str, backend: str) -> tuple[Kernel, ...]:
    loader = _loaders.get((family, backend))
    if loader is None:
        return ()
    try:
        found = loader()
    except ImportError as exc:
        if backend == "native":
            _native_missing.append(f"{family}: {exc}")
        log.debug("%s backend of %s unavailable: %s", backend, family, exc)
        return ()
    return tuple(sorted((k for k in found if isa_supported(k.isa)),
                        key=lambda k: -k.priority))


def kernels(family: str, backends: tuple[str, ...] = config.BACKENDS) -> list[Kernel]:
    """All implementations of ``family`` this CPU can run, best first."""
    if not any((family, b) in _loaders for b in config.BACKENDS):
        raise KeyError(f"unknown kernel family {family!r}; known: {', '.join(families())}")
    return [k for b in backends for k in _load(family, b)]


def available(family: str | None = None) -> list[str]:
    """Full names of every kernel implementation this CPU can run (all backends)."""
    fams = [family] if family else families()
    return [k.name for f in fams for k in kernels(f)]


def get(name: str) -> Kernel:
    """Look up a runnable implementation by its full name."""
    k = _by_name(len(_loaders)).get(name)
    if k is None:
        raise KeyError(f"no kernel named {name!r} runs on this CPU; see "
                       f"pyedge.kernels.available()")
    return k


@functools.cache
def _by_name(n_loaders: int) -> dict[str, Kernel]:
    """Every runnable implementation by name; keyed on the loader count, so a family
    registered later gets a fresh table (a name lookup was ~0.5 ms per forced-kernel call)."""
    table: dict[str, Kernel] = {}
    for family in families():
        for k in kernels(family):
            table.setdefault(k.name, k)
    return table


@functools.cache
def _candidates(family: str, backend: str) -> tuple[Kernel, ...]:
    order = (backend,) + FALLBACK[backend]
    for i, b in enumerate(order):
        found = _load(family, b)
        if found:
            if i > 0 and not _warned:
                _warned.append(b)
                why = "; ".join(_native_missing) or f"no {backend} implementation"
                warnings.warn(f"pyedge: {backend} kernels unavailable ({why}); "
                              f"falling back to the {b} backend", RuntimeWarning, stacklevel=4)
            return found
    raise RuntimeError(f"no implementation of {family!r} is available")


_warned: list[str] = []


MAX_MIN_M = 1024
"""Largest meaningful ``Kernel.min_m``: row counts above it select like ``MAX_MIN_M``."""


def select(family: str, m: int = 1) -> Kernel:
    """The implementation ``family`` uses for ``m`` rows under the configured backend."""
    return _select(family, config.backend(), min(m, MAX_MIN_M))


@functools.cache
def _select(family: str, backend: str, m: int) -> Kernel:
    for k in _candidates(family, backend):
        if m >= k.min_m:
            log.debug("%s (m=%d) -> %s", family, m, k.name)
            return k
    raise RuntimeError(f"no implementation of {family!r} accepts m={m}")


def resolve(family: str, kernel: str | Kernel | None, m: int = 1) -> Kernel:
    """Return ``kernel`` (a name or Kernel of ``family``) or the selected one; mark it used."""
    if kernel is None:
        k = select(family, m)
    else:
        k = kernel if isinstance(kernel, Kernel) else get(kernel)
        if k.family != family:
            raise ValueError(f"kernel {k.name!r} belongs to {k.family!r}, not {family!r}")
    used.add(k.name)
    return k
