"""Oracles: naive NumPy implementations with wide accumulators that judge every kernel.

Nothing here imports pyedge.kernels or pyedge.runtime, and nothing here is optimised.
"""
