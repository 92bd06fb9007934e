"""``pyedge.show_config()``: backend, CPU features, ISA paths and threads in one printout."""

from __future__ import annotations

import sys

from pyedge import config


def config_summary() -> dict:
    """Return what :func:`show_config` prints, as a dict."""
    from pyedge.kernels import registry
    from pyedge.kernels.cpu import best_isa, cpu_features

    feats = cpu_features()
    return {
        "backend": config.backend(),
        "num_threads": config.get_num_threads(),
        "cpu_features": sorted(f for f, on in feats.items() if on),
        "best_isa": best_isa(),
        "selected": {fam: registry.select(fam).name for fam in registry.families()},
        "selected_large_m": {fam: registry.select(fam, registry.MAX_MIN_M).name
                             for fam in registry.families()},
        "available": {fam: [k.name for k in registry.kernels(fam)]
                      for fam in registry.families()},
    }


def show_config(file=None) -> None:
    """Print the kernel backend, CPU features, chosen kernel per family and thread count."""
    file = file or sys.stdout
    s = config_summary()
    print(f"pyedge backend   : {s['backend']}", file=file)
    print(f"threads          : {s['num_threads']}", file=file)
    print(f"cpu features     : {' '.join(s['cpu_features']) or '(none detected)'}", file=file)
    print(f"best native ISA  : {s['best_isa']}", file=file)
    width = max(len(f) for f in s["selected"])
    for fam, name in s["selected"].items():
        big = s["selected_large_m"][fam]
        extra = f" (many rows: {big})" if big != name else ""
        print(f"{fam:<{width}}: {name}{extra}", file=file)
        others = [k for k in s["available"][fam] if k not in (name, big)]
        if others:
            print(f"{'':<{width}}  also: {', '.join(others)}", file=file)
