"""Reliability and security suite: faults below the UI, hostile input, and the figures it measures."""
