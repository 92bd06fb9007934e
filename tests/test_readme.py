"""The README opens with the two commands, and CI runs the second one verbatim."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_ci_runs_the_readme_test_command():
    lines = (ROOT / "README.md").read_text().splitlines()
    start = lines.index("```bash")
    install_demo, install_test = lines[start + 1], lines[start + 2]
    assert install_demo.endswith("pyedge demo")
    assert install_test.endswith("python -m pytest")
    ci = (ROOT / ".ci" / "run").read_text().splitlines()
    assert install_test in ci
