"""benches/ run only when asked: ``python -m pytest benches --benchmark-enable``."""
