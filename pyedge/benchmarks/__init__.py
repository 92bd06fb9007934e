"""Benchmarks behind ``pyedge bench``: shape tables, timing and peer comparisons (tools layer)."""
