"""Seeded random draws for the traffic simulator: counts per tick, never request by request.

Small counts are drawn exactly; large ones use the normal approximation, which keeps a tick cheap
at thousands of services while staying deterministic for a given seed.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence

from meshtui.sim.scenario import GRID_BOUNDS_MS, LatencyProfile

_EXACT_LIMIT = 40


def poisson(rng: random.Random, lam: float) -> int:
    """A Poisson-distributed count with mean `lam`."""
    if lam <= 0:
        return 0
    if lam >= 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, 1.0
    # Knuth's method needs about lam + 1 draws; the cap only guards against pathological floats.
    for _ in range(1000):
        p *= rng.random()
        if p <= limit:
            break
        k += 1
    return k


def binomial(rng: random.Random, n: int, p: float) -> int:
    """A binomially distributed count of successes among `n` trials of probability `p`."""
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    if n <= _EXACT_LIMIT:
        return sum(1 for _ in range(n) if rng.random() < p)
    mean = n * p
    return min(n, max(0, round(rng.gauss(mean, math.sqrt(mean * (1 - p))))))


def multinomial(rng: random.Random, n: int, probs: Sequence[float]) -> list[int]:
    """Split `n` across cells with probabilities `probs` (summing to 1) by sequential binomials."""
    counts = [0] * len(probs)
    remaining, mass = n, 1.0
    for i, p in enumerate(probs):
        if remaining <= 0:
            break
        if i == len(probs) - 1 or mass <= p:
            counts[i] = remaining
            break
        drawn = binomial(rng, remaining, p / mass)
        counts[i] = drawn
        remaining -= drawn
        mass -= p
    return counts


class LatencySampler:
    """Draws latency-grid cell counts for one latency profile.

    Cells are the intervals between `GRID_BOUNDS_MS` (the union of Linkerd's legacy bounds and the
    route histogram's), plus a last cell above the highest bound.
    """

    def __init__(self, profile: LatencyProfile) -> None:
        self.profile = profile
        self.cumulative = [profile.cdf(b) for b in GRID_BOUNDS_MS]
        lower = [0.0, *self.cumulative]
        upper = [*self.cumulative, 1.0]
        self.probs = [max(0.0, hi - lo) for lo, hi in zip(lower, upper)]
        # A request in a cell is counted at the latency of the cell's middle quantile (for _sum).
        self.representative = [profile.quantile((lo + hi) / 2) for lo, hi in zip(lower, upper)]

    def draw(self, rng: random.Random, n: int) -> list[int]:
        """Counts per grid cell for `n` requests."""
        if n <= _EXACT_LIMIT:
            counts = [0] * len(self.probs)
            for _ in range(n):
                counts[bisect.bisect_left(self.cumulative, rng.random())] += 1
            return counts
        return multinomial(rng, n, self.probs)

    def total_ms(self, counts: Sequence[int]) -> float:
        """The latency sum in ms of the requests counted in `counts`."""
        return sum(c * r for c, r in zip(counts, self.representative) if c)
