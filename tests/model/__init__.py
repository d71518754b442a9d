"""Tests of the pure domain model (meshtui.model)."""
