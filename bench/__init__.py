"""Benchmarks: python -m bench <name> [args]."""
