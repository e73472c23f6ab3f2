"""What every benchmark shares: a timer and the one-line figure format."""

from __future__ import annotations

import time
from collections.abc import Callable


def timed(fn: Callable[[], object], repeat: int = 3) -> float:
    """Seconds `fn` takes, best of `repeat` runs (the machines are noisy; the best is the floor)."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - started)
    return best


def figure(bench: str, name: str, value: float, op: str, target: float) -> bool:
    """Print `bench NAME: FIGURE = VALUE (target OP X): ok|miss` and say whether it was met."""
    ok = value <= target if op == "<=" else value >= target
    print(f"bench {bench}: {name} = {value:.2f} (target {op} {target:g}): {'ok' if ok else 'miss'}")
    return ok
