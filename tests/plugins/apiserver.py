"""Fixtures for the apiserver tests (filled in by its owner)."""
