"""``pyedge bench conv``: every conv layer of a network, float32 and int8, vs PyTorch CPU.

Each layer of ``shapes/<table>.txt`` (``name kind H W Cin Cout K S``; kind ``conv``, ``dw`` or
``pw``; padding K // 2; weights packed once, as at model load) runs through pyedge float32
(:func:`depthwise_conv2d` / :func:`conv2d`), pyedge int8 (:func:`depthwise_conv2d_q` /
:func:`conv2d_q`, uint8 activations) and, when torch is installed,
``torch.nn.functional.conv2d`` on channels_last tensors, all single-threaded (or ``threads``)
in the same run, called round-robin so that all see the same machine load. MobileNetV2's
projection layers are linear, every other layer has a fused ReLU6.
"""

from __future__ import annotations

import numpy as np

from pyedge import config
from pyedge.benchmarks.shapes import load_shapes
from pyedge.benchmarks.timing import blas_kernel, interleaved_medians, pinned_threads
from pyedge.kernels import (
    conv2d,
    conv2d_q,
    depthwise_conv2d,
    depthwise_conv2d_q,
    depthwise_separable,
    pack_conv_f32w,
    pack_conv_qc8w,
    pack_dw_qc8w,
    pack_f32w,
    registry,
)
from pyedge.kernels.convgeom import geometry
from pyedge.kernels.dwconv2d import family_for
from pyedge.kernels.qdwconv2d import FAMILY as QDW_FAMILY
from pyedge.kernels.qgemm import FAMILY as QGEMM_FAMILY
from pyedge.kernels.sgemm import FAMILY as SGEMM_FAMILY

GOALS = {"dw_f32_vs_torch": 2.0, "dw_int8_vs_f32": 1.0, "all_int8_vs_f32": 1.8,
         "all_f32_vs_torch": 1.5, "fused_vs_unfused": 1.2}
# depthwise-separable pairs on the 112x112 layers: (name, H, C, C_out, stride)
FUSED_PAIRS = (("b1_dw+project_112", 112, 32, 16, 1), ("b2_dw+project_112s2", 112, 96, 24, 2))


def _torch(threads: int):
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(threads)
    return torch


def torch_conv(torch, x: np.ndarray, w_oihw: np.ndarray, bias: np.ndarray, stride: int,
               pad: int, groups: int, relu6: bool):
    """A zero-argument callable running the layer in PyTorch on channels_last tensors."""
    xt = torch.from_numpy(x).permute(0, 3, 1, 2).contiguous(memory_format=torch.channels_last)
    wt = torch.from_numpy(w_oihw).contiguous(memory_format=torch.channels_last)
    bt = torch.from_numpy(bias)
    f = torch.nn.functional

    def run():
        with torch.inference_mode():
            y = f.conv2d(xt, wt, bt, stride, pad, 1, groups)
            return f.relu6(y) if relu6 else y
    return run


def bench_layer(name: str, kind: str, h: int, w: int, cin: int, cout: int, k: int, s: int,
                threads: int, min_time: float, torch) -> dict:
    """Time one layer in pyedge float32, pyedge int8 and PyTorch float32."""
    rng = np.random.default_rng(0)
    pad = k // 2
    relu6 = "project" not in name
    g = geometry(h, w, k, k, s, pad)
    x = rng.standard_normal((1, h, w, cin)).astype(np.float32)
    xq = rng.integers(0, 256, (1, h, w, cin), dtype=np.uint8)
    bias = rng.standard_normal(cout).astype(np.float32) * 0.1
    bq = rng.integers(-1000, 1000, cout).astype(np.int32)
    mult = np.full(cout, 2e-3, np.float32)
    clamp = (0, 200) if relu6 else None
    act = "relu6" if relu6 else "none"
    out = np.empty((1, g.oh, g.ow, cout), np.float32)
    outq = np.empty((1, g.oh, g.ow, cout), np.uint8)
    if kind == "dw":
        wd = rng.standard_normal((k, k, cout)).astype(np.float32)
        wdq = pack_dw_qc8w(rng.integers(-127, 128, (k, k, cout), dtype=np.int8))
        w_oihw = np.ascontiguousarray(wd.transpose(2, 0, 1)[:, None])  # [C, 1, K, K]
        groups = cin
        f32 = lambda: depthwise_conv2d(x, wd, bias, s, pad, 1, act, out=out,  # noqa: E731
                                       num_threads=threads)
        i8 = lambda: depthwise_conv2d_q(xq, 128, wdq, bq, mult, 0, np.uint8,  # noqa: E731
                                        clamp, s, pad, out=outq, num_threads=threads)
        kernels = (registry.select(family_for(g)).name, registry.select(QDW_FAMILY).name)
    else:
        wf = rng.standard_normal((cout, k, k, cin)).astype(np.float32)
        wfp = pack_conv_f32w(wf)
        wq = pack_conv_qc8w(rng.integers(-127, 128, (cout, k, k, cin), dtype=np.int8))
        w_oihw = np.ascontiguousarray(wf.transpose(0, 3, 1, 2))  # [Cout, Cin, K, K]
        groups = 1
        f32 = lambda: conv2d(x, wfp, bias, s, pad, 1, 1, act, out=out,  # noqa: E731
                             num_threads=threads)
        i8 = lambda: conv2d_q(xq, 128, wq, bq, mult, 0, np.uint8, clamp, s, pad,  # noqa: E731
                              out=outq, num_threads=threads)
        kernels = (registry.select(SGEMM_FAMILY).name,
                   registry.select(QGEMM_FAMILY, g.oh * g.ow).name)
    fns = [f32, i8]
    if torch is not None:
        fns.append(torch_conv(torch, x, w_oihw, bias, s, pad, groups, relu6))
    t_f32, t_i8, *t_peer = interleaved_medians(fns, min_time)
    t_torch = t_peer[0] if t_peer else None
    return {"layer": name, "kind": kind, "H": h, "W": w, "Cin": cin, "Cout": cout, "K": k,
            "S": s, "macs": g.oh * g.ow * cout * k * k * (1 if kind == "dw" else cin),
            "f32_us": t_f32 * 1e6, "int8_us": t_i8 * 1e6,
            "torch_us": t_torch * 1e6 if t_torch else None,
            "f32_kernel": kernels[0], "int8_kernel": kernels[1]}


def bench_fused(name: str, h: int, c: int, cout: int, s: int, threads: int,
                min_time: float) -> dict:
    """Fused depthwise-separable block vs the unfused pair (same kernels), float32."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((1, h, h, c)).astype(np.float32)
    wd = rng.standard_normal((3, 3, c)).astype(np.float32)
    bd = rng.standard_normal(c).astype(np.float32) * 0.1
    wp = rng.standard_normal((cout, c)).astype(np.float32)
    bp = rng.standard_normal(cout).astype(np.float32) * 0.1
    wpp, wcp = pack_f32w(wp), pack_conv_f32w(wp[:, None, None, :])
    g = geometry(h, h, 3, 3, s, 1)
    mid = np.empty((1, g.oh, g.ow, c), np.float32)
    out = np.empty((1, g.oh, g.ow, cout), np.float32)

    def unfused():
        depthwise_conv2d(x, wd, bd, s, 1, 1, "relu6", out=mid, num_threads=threads)
        conv2d(mid, wcp, bp, out=out, num_threads=threads)

    stats: dict = {}
    depthwise_separable(x, wd, bd, wpp, bp, s, 1, out=out, stats=stats, num_threads=threads)
    t_unf, t_fused = interleaved_medians(
        [unfused, lambda: depthwise_separable(x, wd, bd, wpp, bp, s, 1, out=out,
                                              num_threads=threads)], min_time)
    return {"pair": name, "unfused_us": t_unf * 1e6, "fused_us": t_fused * 1e6,
            "speedup": t_unf / t_fused, **stats}


def _sum(rows: list[dict], key: str) -> float | None:
    vals = [r[key] for r in rows]
    return None if any(v is None for v in vals) else sum(vals)


def summarize(rows: list[dict]) -> dict:
    """Summed times per group (depthwise, pointwise + standard, all) and the goal ratios."""
    groups = {"depthwise": [r for r in rows if r["kind"] == "dw"],
              "pointwise+standard": [r for r in rows if r["kind"] != "dw"], "all": rows}
    sums = {}
    for gname, grows in groups.items():
        if not grows:
            continue
        f32, i8, tt = (_sum(grows, k) for k in ("f32_us", "int8_us", "torch_us"))
        sums[gname] = {"layers": len(grows), "f32_us": f32, "int8_us": i8, "torch_us": tt,
                       "f32_vs_torch": tt / f32 if tt else None, "int8_vs_f32": f32 / i8}
    goals = {}
    if "depthwise" in sums:
        d = sums["depthwise"]
        goals["dw_f32_vs_torch"] = d["f32_vs_torch"]
        goals["dw_int8_vs_f32"] = d["int8_vs_f32"]
    goals["all_int8_vs_f32"] = sums["all"]["int8_vs_f32"]
    goals["all_f32_vs_torch"] = sums["all"]["f32_vs_torch"]
    return {"sums": sums, "goals": goals}


def run(tables: tuple[str, ...] = ("mobilenet_v2_conv",), threads: int = 1,
        min_time: float = 0.2) -> dict:
    """Benchmark every layer of ``tables`` and the fused pairs; returns rows, sums, goals."""
    torch = _torch(threads)
    rows = []
    with pinned_threads(threads):
        for table in tables:
            for name, (kind, *dims) in load_shapes(table, kind_column=True):
                rows.append(bench_layer(name, kind, *dims, threads, min_time, torch))
        fused = [bench_fused(*pair, threads, min_time) for pair in FUSED_PAIRS]
    result = {"threads": threads, "blas": blas_kernel(), "backend": config.backend(),
              "torch": torch.__version__ if torch else None, "rows": rows, "fused": fused}
    result.update(summarize(rows))
    unf = sum(f["unfused_us"] for f in fused)
    result["goals"]["fused_vs_unfused"] = unf / sum(f["fused_us"] for f in fused)
    result["goals"]["fused_memory_fraction"] = max(
        f["intermediate_bytes"] / f["unfused_intermediate_bytes"] for f in fused)
    return result


def _fmt(v, spec: str, width: int) -> str:
    return f"{'-':>{width}}" if v is None else format(v, f"{width}{spec}")


def format_table(result: dict) -> str:
    """Render :func:`run`'s result: per-layer rows, sums and the goals."""
    head = (f"{'layer':<16} {'kind':<4} {'shape':<22} {'f32 us':>9} {'int8 us':>9} "
            f"{'torch us':>9} {'f32/torch':>9} {'int8/f32':>8}  kernels (f32 | int8)")
    lines = [f"threads={result['threads']} backend={result['backend']} "
             f"torch={result['torch'] or 'not installed'} numpy BLAS: {result['blas']}",
             "speedups: f32/torch = torch time / pyedge f32 time; int8/f32 = pyedge f32 time / "
             "pyedge int8 time", head, "-" * len(head)]
    for r in result["rows"]:
        shape = f"{r['H']}x{r['W']}x{r['Cin']}->{r['Cout']} k{r['K']}s{r['S']}"
        vs_t = r["torch_us"] / r["f32_us"] if r["torch_us"] else None
        lines.append(f"{r['layer']:<16} {r['kind']:<4} {shape:<22} {r['f32_us']:>9.1f} "
                     f"{r['int8_us']:>9.1f} {_fmt(r['torch_us'], '.1f', 9)} "
                     f"{_fmt(vs_t, '.2f', 9)} {r['f32_us'] / r['int8_us']:>8.2f}  "
                     f"{r['f32_kernel']} | {r['int8_kernel']}")
    lines.append("-" * len(head))
    for gname, s in result["sums"].items():
        label = f"SUM {gname} ({s['layers']})"
        lines.append(f"{label:<44} {s['f32_us']:>9.1f} {s['int8_us']:>9.1f} "
                     f"{_fmt(s['torch_us'], '.1f', 9)} {_fmt(s['f32_vs_torch'], '.2f', 9)} "
                     f"{s['int8_vs_f32']:>8.2f}")
    lines.append("fused depthwise-separable (float32; unfused = depthwise_conv2d + packed "
                 "pointwise conv2d, same kernels):")
    for f in result.get("fused", []):
        lines.append(f"  {f['pair']:<22} unfused {f['unfused_us']:>8.1f} us  fused "
                     f"{f['fused_us']:>8.1f} us  x{f['speedup']:.2f}  intermediate "
                     f"{f['intermediate_bytes'] / 1024:.0f} KiB vs "
                     f"{f['unfused_intermediate_bytes'] / 1024:.0f} KiB "
                     f"({f['intermediate_bytes'] / f['unfused_intermediate_bytes']:.2f})")
    lines.append("goals:")
    for key, target in GOALS.items():
        got = result["goals"].get(key)
        if got is None:
            lines.append(f"  {key:<18} >= {target:.1f}x: not measured")
        else:
            verdict = "met" if got >= target else "missed"
            lines.append(f"  {key:<18} >= {target:.1f}x: {got:.2f}x {verdict}")
    frac = result["goals"].get("fused_memory_fraction")
    if frac is not None:
        verdict = "met" if frac <= 0.25 else "missed"
        lines.append(f"  fused_memory       <= 0.25 of unfused: {frac:.2f} {verdict}")
    return "\n".join(lines)
