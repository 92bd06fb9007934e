"""DESIGN.md's import layering, enforced by walking every module's imports with ast."""

import ast
from pathlib import Path

import pyedge

ROOT = Path(pyedge.__file__).parent
# package -> pyedge packages it may import (besides itself)
ALLOWED = {
    "ref": {"tensors"},
    "tensors": {"config"},
    "format": {"tensors", "config"},
    "config": set(),
    "kernels": {"tensors", "format", "config"},
    "runtime": {"kernels", "tensors", "format", "config"},
    "compress": {"runtime", "kernels", "tensors", "format", "config", "importers"},
}
HEAVY = {"scipy", "numba", "onnx", "matplotlib", "tqdm", "torch", "onnxruntime"}


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node, node.module


def test_imports_point_downward():
    bad = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).parts
        pkg = rel[0].removesuffix(".py")
        if pkg not in ALLOWED:
            continue
        tree = ast.parse(path.read_text())
        for _, mod in _imports(tree):
            parts = mod.split(".")
            if parts[0] == "pyedge" and len(parts) > 1 and parts[1] != pkg:
                if parts[1] not in ALLOWED[pkg]:
                    bad.append(f"{path.relative_to(ROOT)} imports {mod}")
    assert not bad, "\n".join(bad)


def test_heavy_dependencies_are_imported_lazily():
    """Module-level imports of scipy/numba/onnx/... only in backend twins and tools."""
    bad = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT)
        if rel.parts[0] in ("kernels",) and rel.parts[1:2] == ("_numba",):
            continue  # imported only when the Numba backend is chosen
        tree = ast.parse(path.read_text())
        for node in tree.body:
            if isinstance(node, ast.Import | ast.ImportFrom):
                for _, mod in _imports(ast.Module(body=[node], type_ignores=[])):
                    if mod.split(".")[0] in HEAVY:
                        bad.append(f"{rel} imports {mod} at module level")
    assert not bad, "\n".join(bad)
