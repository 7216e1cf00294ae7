"""Benchmarks: each bench_*.py module measures against a baseline taken in the same run."""
