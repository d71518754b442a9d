"""Fixtures for the prometheus tests (filled in by its owner)."""
