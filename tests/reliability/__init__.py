"""Reliability and security suite: faults below the UI, hostile input, measured figures."""
