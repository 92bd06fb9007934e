"""Shape tables of real layers, stored as text in pyedge/benchmarks/shapes/ (benches/shapes)."""

from __future__ import annotations

from pathlib import Path

SHAPES_DIR = Path(__file__).parent / "shapes"


def load_shapes(table: str, kind_column: bool = False) -> list[tuple[str, tuple]]:
    """Rows of ``shapes/<table>.txt`` as (name, integers); ``#`` starts a comment.

    With ``kind_column`` the field after the name is kept as a string (``conv``, ``dw``, ...).
    """
    path = SHAPES_DIR / f"{table}.txt"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in SHAPES_DIR.glob("*.txt")))
        raise FileNotFoundError(f"no shape table {table!r}; known: {known}")
    rows = []
    for line in path.read_text().splitlines():
        fields = line.split("#", 1)[0].split()
        if fields:
            head = (fields[1],) if kind_column else ()
            rest = fields[2:] if kind_column else fields[1:]
            rows.append((fields[0], head + tuple(int(f) for f in rest)))
    return rows
