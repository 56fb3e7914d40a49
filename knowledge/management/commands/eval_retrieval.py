"""`manage.py eval_retrieval DIR --split questions_dev [--json]`: measure knowledge retrieval.

Indexes DIR/passages.jsonl with the production search engine (a throw-away index; no database)
and asks every question of DIR/<split>.jsonl. See knowledge.search.evaluation.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledge.search.evaluation import evaluate, load_benchmark

METRICS = ("hit@1", "hit@5", "scoped_hit@1", "scoped_hit@5", "p50_ms", "p95_ms", "n")


class Command(BaseCommand):
    help = "Measure hit@1/hit@5 and latency of knowledge search on a passages+questions folder."

    def add_arguments(self, parser):
        parser.add_argument("folder", help="folder with passages.jsonl and <split>.jsonl")
        parser.add_argument("--split", default="questions_dev", help="questions file name")
        parser.add_argument(
            "--json", action="store_true", help="end with one JSON line of the figures"
        )

    def handle(self, *args, folder: str, split: str, json: bool = False, **options):
        path = Path(folder)
        for name in ("passages.jsonl", f"{split}.jsonl"):
            if not (path / name).is_file():
                raise CommandError(f"{path / name} not found")
        passages, questions = load_benchmark(path, split)
        result = evaluate(passages, questions)
        self.stdout.write(
            f"{split}: n={result['n']} questions over {result['passages']} passages "
            f"(index built in {result['build_ms']} ms)"
        )
        self.stdout.write(
            f"all passages:   hit@1={result['hit@1']:.3f}  hit@5={result['hit@5']:.3f}"
        )
        self.stdout.write(
            f"within product: hit@1={result['scoped_hit@1']:.3f}  "
            f"hit@5={result['scoped_hit@5']:.3f}"
        )
        self.stdout.write(f"latency: p50={result['p50_ms']} ms  p95={result['p95_ms']} ms")
        if json:
            self.stdout.write(_dumps({k: result[k] for k in METRICS}))


def _dumps(data: dict) -> str:
    # The `json` option shadows the module name inside handle().
    return json.dumps(data, ensure_ascii=False)
