"""Splitting a total into whole parts that add up exactly: how the demo district meets the seed's table to
the household while every complex still looks like itself."""

from __future__ import annotations

import math
from collections.abc import Sequence


def split_exact(total: int, weights: Sequence[float], lows: Sequence[int], highs: Sequence[int]) -> list[int]:
    """Whole numbers ``lows[i] <= part[i] <= highs[i]`` adding up to ``total``, each as near its share of
    ``weights`` as the bounds allow.

    Shares that would pass a ceiling are pinned there and the rest re-shared (water filling); the parts are
    then rounded down and the leftover units go to the largest remainders first."""
    count = len(weights)
    if not count == len(lows) == len(highs):
        raise ValueError("weights and bounds differ in length")
    if any(w < 0 for w in weights) or any(lo > hi for lo, hi in zip(lows, highs, strict=True)):
        raise ValueError("negative weight or empty range")
    if not sum(lows) <= total <= sum(highs):
        raise ValueError(f"{total} cannot be split within bounds {sum(lows)}..{sum(highs)}")
    shares = [float(hi) for hi in highs]
    free = set(range(count))
    while free:
        # Pinning a part at its ceiling only frees units for the others, so the spare never goes negative.
        spare = total - sum(highs[i] for i in range(count) if i not in free) - sum(lows[i] for i in free)
        weight = sum(weights[i] for i in free)
        pinned = set()
        for i in free:
            fraction = weights[i] / weight if weight else 1 / len(free)
            shares[i] = lows[i] + spare * fraction
            if shares[i] >= highs[i]:
                pinned.add(i)
        if not pinned:
            break
        for i in pinned:
            shares[i] = float(highs[i])
        free -= pinned
    parts = [min(highs[i], max(lows[i], math.floor(shares[i]))) for i in range(count)]
    by_remainder = sorted(range(count), key=lambda i: (shares[i] - parts[i], -i), reverse=True)
    leftover = total - sum(parts)
    while leftover:
        step = 1 if leftover > 0 else -1
        order = by_remainder if step > 0 else by_remainder[::-1]
        moved = False
        for i in order:
            if leftover and lows[i] <= parts[i] + step <= highs[i]:
                parts[i] += step
                leftover -= step
                moved = True
        if not moved:  # unreachable while the bounds admit the total; guards against looping forever
            raise ValueError("could not place the remainder")
    return parts
