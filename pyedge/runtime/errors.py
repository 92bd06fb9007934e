"""Errors raised when a graph is inconsistent (they name the node) or run with bad inputs."""


class GraphError(ValueError):
    """A graph is malformed: unknown op, dangling input, shape or dtype mismatch at a node."""
