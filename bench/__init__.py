"""Benchmarks, run by `make bench` (python -m bench.run). See docs/performance.md."""
