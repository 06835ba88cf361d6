"""Run every benchmark in bench/ against a fresh, migrated database.

The database is a new SQLite file, or the (empty) PostgreSQL database BENCH_DATABASE_URL
names; `make bench` starts a throw-away PostgreSQL cluster for it (scripts/bench.sh).

    python -m bench.run            every bench/*.py module
    python -m bench.run audit      only bench/audit.py
    python -m bench.run --quick    fewer repetitions (a smoke run)

Each benchmark module defines `run(*, quick: bool) -> list[Measurement]`. Machines are
shared and noisy, so every measurement is a ratio against a named baseline timed in the
same run, and the output is a Markdown block ready for docs/performance.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import os
import platform
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
NOT_BENCHMARKS = {"__init__", "run", "policylab_mesa"}  # helpers, not benchmarks


@dataclass(frozen=True)
class Measurement:
    name: str
    baseline: str
    operations: int
    seconds: float
    baseline_seconds: float

    @property
    def ratio(self) -> float:
        return self.seconds / self.baseline_seconds

    @property
    def per_operation_us(self) -> float:
        return self.seconds / self.operations * 1e6

    @property
    def baseline_per_operation_us(self) -> float:
        return self.baseline_seconds / self.operations * 1e6


def compare(
    *,
    name: str,
    baseline: str,
    measured: Callable[[int], None],
    baseline_run: Callable[[int], None],
    operations: int,
    rounds: int,
) -> Measurement:
    """Time `measured` and `baseline_run`, alternating round by round so drifts in the
    machine's load hit both alike; report the median round of each. Each callable gets
    the number of operations to do in one round."""
    measured_times: list[float] = []
    baseline_times: list[float] = []
    for _ in range(rounds):
        for target, times in ((baseline_run, baseline_times), (measured, measured_times)):
            started = time.perf_counter()
            target(operations)
            times.append(time.perf_counter() - started)
    return Measurement(
        name=name,
        baseline=baseline,
        operations=operations,
        seconds=statistics.median(measured_times),
        baseline_seconds=statistics.median(baseline_times),
    )


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}"


def _set_up_database(folder: Path) -> str:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ["DATABASE_URL"] = url
    # Production-like settings: DEBUG would record every query and skew the timings.
    os.environ["DEBUG"] = "0"
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ["DJANGO_SETTINGS_MODULE"] = "commonwork.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    return "PostgreSQL" if url.startswith("postgres") else "SQLite"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmark modules to run (default: all)")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions")
    args = parser.parse_args(argv)
    names = args.names or sorted(
        path.stem for path in BENCH_DIR.glob("*.py") if path.stem not in NOT_BENCHMARKS
    )
    with tempfile.TemporaryDirectory(prefix="commonwork-bench-") as folder:
        engine = _set_up_database(Path(folder))
        results: list[Measurement] = []
        for name in names:
            module = importlib.import_module(f"bench.{name}")
            results.extend(module.run(quick=args.quick))
        from django.db import connection

        connection.close()
    print(f"Run on {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {machine()}, {engine}.\n")
    print("| benchmark | baseline | operations | µs per op | baseline µs per op | ratio |")
    print("|---|---|---:|---:|---:|---:|")
    for result in results:
        print(
            f"| {result.name} | {result.baseline} | {result.operations} "
            f"| {result.per_operation_us:.1f} | {result.baseline_per_operation_us:.1f} "
            f"| {result.ratio:.2f} |"
        )


if __name__ == "__main__":
    main()
