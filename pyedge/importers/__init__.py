"""Importers from other model formats into pyedge graphs (optional dependencies)."""
