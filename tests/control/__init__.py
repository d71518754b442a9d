"""Tests of traffic control: the writer, the audit log, owner-aware actions and their CLI."""
