"""``manage.py eval_compliance FILE [--json]``: measure compliance scoring on a labelled file.

The dialogues go through the production scorer (``score_dialogue`` with the default call
rubric). The file is JSONL in the compliance evaluation format (dialogue turns, labelled
violations, checkpoints, ``reached_close``). The command prints a per-rule precision/recall table
and the summary figures, including whether injected grader instructions were flagged and gained no
score; with ``--json`` its last line is one JSON object with the same figures.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from practice.scoring.evaluation import evaluate_file, format_report, summary_json


class Command(BaseCommand):
    help = "Score a labelled JSONL file of dialogues and report per-rule precision and recall."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="JSONL file of labelled dialogues")
        parser.add_argument(
            "--json", action="store_true", help="end with one line of JSON holding the figures"
        )
        parser.add_argument("--details", action="store_true", help="list the dialogues with errors")

    def handle(self, *args: object, **options: object) -> None:
        path = Path(str(options["file"]))
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        report = evaluate_file(path)
        self.stdout.write(format_report(report, details=bool(options["details"])))
        if options["json"]:
            self.stdout.write(summary_json(report))
