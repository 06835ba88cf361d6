"""Read workers' platform files into figures, for researchers and unions helping many
workers: every figure overall and per ISO week, with its definition's name, and every
rejected row (file, line, reason), as JSON (docs/import.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from commonwork.platformdata.reading import read_files


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("paths", nargs="+", help="Files or folders (read recursively).")
        parser.add_argument("--country", help="ISO country code for the vehicle cost table.")
        parser.add_argument(
            "--vehicle", default="car", help="The vehicle's kind in the cost table."
        )
        parser.add_argument(
            "--fixed-hours", type=float, default=0.0, help="Hours fixed-price work took."
        )
        parser.add_argument(
            "--json", required=True, help="Where to write the figures ('-': stdout)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        files: list[tuple[str, bytes]] = []
        for given in options["paths"]:
            path = Path(given)
            if path.is_dir():
                files += [
                    (str(p.relative_to(path)), p.read_bytes())
                    for p in sorted(path.rglob("*"))
                    if p.is_file()
                ]
            elif path.is_file():
                files.append((path.name, path.read_bytes()))
            else:
                raise CommandError(f"{given}: no such file or folder")
        report = read_files(
            files,
            country=options["country"],
            vehicle=options["vehicle"],
            fixed_hours=options["fixed_hours"],
        )
        text = json.dumps(report.as_json(), ensure_ascii=False, indent=2)
        if options["json"] == "-":
            self.stdout.write(text)
        else:
            Path(options["json"]).write_text(text, encoding="utf-8")
            self.stdout.write(
                f"{report.rows_read} rows read, {len(report.rejections)} rejected; "
                f"figures in {options['json']}"
            )
