"""Run every benchmark: `python -m bench [NAME ...]`; each prints `bench NAME: FIGURE = ...`."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    here = Path(__file__).parent
    names = argv or sorted(m.name for m in pkgutil.iter_modules([str(here)]))
    missed = 0
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        run = getattr(module, "run", None)  # helpers (common, synthetic) have none
        if run is not None and name != "__main__":
            missed += 0 if run() else 1
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
