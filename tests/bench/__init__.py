"""Tests of the benchmark harness (that it runs and emits every measure; never timings)."""
