"""The pure domain model of meshtui: splits, weights, owners, signals and the cluster cache.

Nothing here does I/O, starts threads or imports textual or kubernetes; see docs/design.md.
"""
