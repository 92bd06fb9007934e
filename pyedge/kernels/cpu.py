"""CPU features of this machine, read once from the native extension's CPUID probe."""

from __future__ import annotations

import functools

ISAS = ("scalar", "avx2", "avx512", "avx512vnni", "amx", "neon", "neondot", "neoni8mm")
"""ISA names in the order of ``enum pyedge_isa`` (kernels/include/pyedge/common.h)."""

ISA_REQUIRES = {
    "scalar": (),
    "avx2": ("avx2", "fma"),
    "avx512": ("avx512f", "avx512bw", "avx512vl", "avx512dq"),
    "avx512vnni": ("avx512f", "avx512bw", "avx512vl", "avx512dq", "avx512vnni"),
    "amx": ("avx512vnni", "amx_permitted"),
    "neon": ("neon",),
    "neondot": ("neon", "neon_dotprod"),
    "neoni8mm": ("neon", "neon_dotprod", "neon_i8mm"),
}


@functools.cache
def cpu_features() -> dict[str, bool]:
    """Return this CPU's feature flags (``avx2``, ``avx512vnni``, ``amx_int8``, ``neon`` ...).

    ``amx_permitted`` is True only when the OS granted the AMX tile state to this process
    (Linux ``arch_prctl``). Without the native extension every flag is False.
    """
    try:
        from pyedge.kernels._cython.cpuinfo import cpu_features as probe
    except ImportError:
        return {f: False for f in ("avx2", "fma", "avx512f", "avx512bw", "avx512vl",
                                   "avx512dq", "avx512vnni", "amx_tile", "amx_int8",
                                   "amx_permitted", "neon", "neon_dotprod", "neon_i8mm")}
    return probe()


def isa_supported(isa: str) -> bool:
    """True when this CPU (and OS) can run kernels written for ``isa``."""
    if isa in ("numba", "numpy"):
        return True
    feats = cpu_features()
    return all(feats.get(f, False) for f in ISA_REQUIRES[isa])


def best_isa() -> str:
    """The most capable native ISA this CPU runs (what the top kernels should target)."""
    return max((i for i in ISAS if isa_supported(i)), key=ISAS.index)
