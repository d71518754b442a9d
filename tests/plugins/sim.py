"""Fixtures for the sim tests (filled in by its owner)."""
