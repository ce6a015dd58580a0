"""Reproducible performance runs (not part of the test suite); see benchmarks/README.md."""
