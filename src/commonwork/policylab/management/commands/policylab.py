"""`manage.py policylab run --scenario small --rules extractive,cooperative --out DIR`."""

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


class Command(BaseCommand):
    help = "Replay one city's work under several rule sets and write a comparison report."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("action", choices=["run"])
        parser.add_argument("--scenario", default="small", help="a shipped name or a .toml file")
        parser.add_argument(
            "--rules",
            default="extractive,cooperative",
            help="names or .toml files, comma-separated",
        )
        parser.add_argument("--out", required=True, type=Path, help="a folder for the report")

    def handle(self, *args: Any, **options: Any) -> None:
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


def _load(name: str, shipped: dict[str, dict[str, Any]]) -> dict[str, Any]:
    if name.endswith(".toml"):
        path = Path(name)
        if not path.exists():
            raise ConfigError(name, "no such file")
        return load_toml(path)
    if name not in shipped:
        raise ConfigError(name, f"not one of {', '.join(sorted(shipped))}")
    return shipped[name]
