"""Backend choice and thread count: the one place that reads the environment.

``PYEDGE_BACKEND=native|numba|numpy`` forces a kernel backend (default ``native``);
``PYEDGE_NUM_THREADS`` sets the default thread count (default: all cores this process may use).
"""

from __future__ import annotations

import os

BACKENDS = ("native", "numba", "numpy")

_num_threads: int | None = None


def backend() -> str:
    """Return the requested kernel backend, validated."""
    name = os.environ.get("PYEDGE_BACKEND", "native").strip().lower() or "native"
    if name not in BACKENDS:
        raise ValueError(f"PYEDGE_BACKEND={name!r} is not one of {', '.join(BACKENDS)}")
    return name


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - non-Linux
        return os.cpu_count() or 1


def get_num_threads() -> int:
    """Threads kernels use when ``num_threads`` is not given."""
    if _num_threads is not None:
        return _num_threads
    env = os.environ.get("PYEDGE_NUM_THREADS")
    if env:
        try:
            value = int(env)
        except ValueError:
            raise ValueError(f"PYEDGE_NUM_THREADS={env!r} is not an integer") from None
        if value < 1:
            raise ValueError(f"PYEDGE_NUM_THREADS must be >= 1, got {value}")
        return value
    return _cores()


def set_num_threads(n: int | None) -> None:
    """Set the default kernel thread count (``None`` restores the default: all cores)."""
    global _num_threads
    if n is not None and (not isinstance(n, int) or n < 1):
        raise ValueError(f"num_threads must be a positive int, got {n!r}")
    _num_threads = n


def resolve_threads(num_threads: int | None) -> int:
    """Validate a per-call ``num_threads`` argument, defaulting to :func:`get_num_threads`."""
    if num_threads is None:
        return get_num_threads()
    if isinstance(num_threads, bool) or not isinstance(num_threads, int) or num_threads < 1:
        raise ValueError(f"num_threads must be a positive int, got {num_threads!r}")
    return num_threads
