"""Offline compression: quantization, pruning, reconstruction (runtime never imports it)."""
