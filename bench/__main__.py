"""Run the benchmarks: ``python -m bench`` for all, ``python -m bench NAME`` for some."""

from __future__ import annotations

import importlib
import os
import sys
import time
from pathlib import Path

# The benchmarks run the app on throwaway SQLite files, as development (unset means production).
os.environ.setdefault("APP_ENV", "development")


def modules() -> list[str]:
    return sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))


def main(argv: list[str]) -> int:
    available = modules()
    wanted = [a if a.startswith("bench_") else f"bench_{a}" for a in argv] or available
    unknown = [w for w in wanted if w not in available]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(available)}")
        return 2
    for name in wanted:
        print(f"== {name} ==", flush=True)
        started = time.perf_counter()
        importlib.import_module(f"bench.{name}").main()
        print(f"({name} took {time.perf_counter() - started:.1f} s)\n", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
