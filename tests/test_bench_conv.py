"""``pyedge bench conv`` smoke test on a tiny shape table (results are timings: not asserted)."""

import pyedge.benchmarks.shapes as shapes
from pyedge.benchmarks import conv as bench
from pyedge.cli import build_parser


def test_bench_conv_runs_on_a_tiny_table(tmp_path, monkeypatch):
    (tmp_path / "tiny.txt").write_text(
        "# name kind H W Cin Cout K S\n"
        "stem conv 9 9 3 8 3 2\n"
        "b1_dw dw 5 5 8 8 3 1\n"
        "b1_project pw 5 5 8 4 1 1\n")
    monkeypatch.setattr(shapes, "SHAPES_DIR", tmp_path)
    monkeypatch.setattr(bench, "FUSED_PAIRS", (("pair", 8, 16, 8, 1),))
    result = bench.run(("tiny",), threads=1, min_time=0.001)
    assert [r["layer"] for r in result["rows"]] == ["stem", "b1_dw", "b1_project"]
    assert set(result["sums"]) == {"depthwise", "pointwise+standard", "all"}
    assert result["fused"][0]["intermediate_bytes"] <= result["fused"][0][
        "unfused_intermediate_bytes"]
    text = bench.format_table(result)
    assert "SUM all (3)" in text and "goals:" in text
    assert build_parser().parse_args(["bench", "conv"]).what == "conv"
