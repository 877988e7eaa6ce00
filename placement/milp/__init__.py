"""The solver adapter: the only package that imports pulp or highspy."""
