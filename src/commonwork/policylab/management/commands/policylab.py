"""`manage.py policylab run --scenario small --rules extractive,cooperative --out DIR`, and
`manage.py policylab sweep --rules cooperative --vary fee_rate=0.08,0.1,0.12 --seeds 4
--out DIR` (on Dask: `--workers N` local processes, or `--scheduler ADDRESS`)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonwork.policylab.config import ConfigError, load_toml, rules_from, scenario_from
from commonwork.policylab.library import RULE_SETS, SCENARIOS
from commonwork.policylab.report import (
    Heading,
    as_csv,
    as_html,
    as_json,
    distributions,
    summarize,
)
from commonwork.policylab.simulate import simulate
from commonwork.policylab.sweep import Table, cluster, execute, grid, parse_axis


class Command(BaseCommand):
    help = "Replay one city's work under several rule sets and write a comparison report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run", "sweep"])
        parser.add_argument("--scenario", default="small", help="a shipped name or a .toml file")
        parser.add_argument(
            "--rules",
            default="extractive,cooperative",
            help="names or .toml files, comma-separated",
        )
        parser.add_argument("--out", required=True, type=Path, help="a folder for the report")
        parser.add_argument(
            "--vary",
            action="append",
            default=[],
            help="sweep: a rule set field and the values to try, e.g. fee_rate=0.08,0.1",
        )
        parser.add_argument("--seeds", type=int, default=3, help="sweep: seeds per variant")
        parser.add_argument(
            "--workers", type=int, default=2, help="sweep: local Dask worker processes"
        )
        parser.add_argument(
            "--scheduler", default="", help="sweep: a Dask scheduler address (a real cluster)"
        )
        parser.add_argument(
            "--serial", action="store_true", help="sweep: one run after another, no Dask"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "sweep":
            self.sweep(options)
            return
        try:
            scenario = scenario_from(_load(options["scenario"], SCENARIOS))
            rule_sets = [rules_from(_load(r, RULE_SETS)) for r in options["rules"].split(",")]
        except ConfigError as error:
            raise CommandError(f"Bad input, nothing simulated: {error}") from error
        summaries = {}
        spreads = {}
        for rules in rule_sets:

            def progress(done: float, name: str = rules.name) -> None:
                bar = "#" * round(done * 30)
                sys.stderr.write(f"\r{name:>12} [{bar:<30}] {done:4.0%}")
                sys.stderr.flush()

            outcome = simulate(scenario, rules, progress=progress)
            sys.stderr.write("\n")
            summaries[rules.name] = summarize(
                outcome, floor_per_hour_minor=max(r.floor_per_hour_minor for r in rule_sets)
            )
            spreads[rules.name] = distributions(outcome)
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        (out / "report.json").write_text(as_json(scenario.name, summaries))
        (out / "report.csv").write_text(as_csv(summaries))
        (out / "report.html").write_text(as_html(Heading.of(scenario), summaries, spreads))
        self.stdout.write(self.style.SUCCESS(f"Report written to {out}/report.html"))

    def sweep(self, options: dict[str, Any]) -> None:
        try:
            scenario = _load(options["scenario"], SCENARIOS)
            (rules_name,) = options["rules"].split(",")[:1]
            base = _load(rules_name, RULE_SETS)
            axes = dict(parse_axis(text) for text in options["vary"])
            if options["seeds"] < 1:
                raise ConfigError("--seeds", "at least one")
            seed = int(scenario.get("seed", 2026))
            runs = grid(
                base_rules=base,
                axes=axes,
                scenario=scenario,
                seeds=[seed + i for i in range(options["seeds"])],
            )
        except ConfigError as error:
            raise CommandError(f"Bad input, nothing simulated: {error}") from error

        def progress(done: int, total: int) -> None:
            bar = "#" * round(30 * done / total)
            sys.stderr.write(f"\r{'sweep':>12} [{bar:<30}] {done}/{total}")
            sys.stderr.flush()

        if options["serial"]:
            results = execute(runs, progress=progress)
        else:
            with cluster(workers=options["workers"], scheduler=options["scheduler"]) as client:
                results = execute(runs, client=client, progress=progress)
        sys.stderr.write("\n")
        table = Table.of(runs, results)
        means = table.means()
        out: Path = options["out"]
        out.mkdir(parents=True, exist_ok=True)
        (out / "sweep.csv").write_text(table.as_csv())
        (out / "sweep.json").write_text(as_json(scenario["name"], means))
        heading = Heading.of(scenario_from(scenario))
        (out / "sweep.html").write_text(as_html(heading, means))
        self.stdout.write(
            self.style.SUCCESS(
                f"{len(runs)} runs: the table in {out}/sweep.csv, charts in {out}/sweep.html"
            )
        )


def _load(name: str, shipped: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if name.endswith(".toml"):
        path = Path(name)
        if not path.exists():
            raise ConfigError(name, "no such file")
        return load_toml(path)
    if name not in shipped:
        raise ConfigError(name, f"not one of {', '.join(sorted(shipped))}")
    return shipped[name]
