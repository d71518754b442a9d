"""One module per group of measures; each returns `bench.stats.Measure` objects."""
