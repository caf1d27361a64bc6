"""Benchmarks: each module measures a path against a floor taken in the same run."""
