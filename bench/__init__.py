"""The meshtui benchmark harness: `bench/run` measures the real app against kubectl and loopback."""
