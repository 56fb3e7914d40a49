"""Offline scoring throughput in one process: scorecards per second per worker.

    DJANGO_SETTINGS_MODULE=config.settings .venv/bin/python bench/scoring/throughput.py [-n 200]

Realistic 20-turn dialogues (scripted good and poor agents against the persona engine on every
seed scenario) are scored twice: by ``score_dialogue`` alone (the scorer), and end to end by
``scorecard_score`` (read the conversation, score, store criteria/findings/checkpoints) — the
work one scoring task does in a worker. Uses its own database (``DATABASE_URL``, else a temporary
SQLite file) and a throw-away organisation it deletes at the end; the broker is in memory.
Target: >= 20 scorecards per second per worker.
"""

from __future__ import annotations

import argparse
import statistics
import time

from common import dialogues, make_organisation, remove_organisation, setup_django


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=200, help="dialogues to score (default 200)")
    args = parser.parse_args()
    setup_django(broker="memory://")

    from django.db import connection

    from practice.calls import call_import
    from practice.scoring.default_rubric import CALL_QA_CRITERIA
    from practice.scoring.pipeline import scorecard_score
    from practice.scoring.rubric_scorer import score_dialogue

    organisation, trainer, _agent = make_organisation()
    try:
        started = time.perf_counter()
        items = dialogues(organisation, args.n)
        print(
            f"generated {len(items)} dialogues of {len(items[0]['turns'])} turns "
            f"in {time.perf_counter() - started:.1f} s"
        )

        # warm-up: lexicons, tokenizer dictionaries and exemplar vectors load on first use
        score_dialogue(items[0]["turns"], rubric=CALL_QA_CRITERIA, language=items[0]["language"])

        per = []
        started = time.perf_counter()
        for item in items:
            t0 = time.perf_counter()
            score_dialogue(
                item["turns"],
                rubric=CALL_QA_CRITERIA,
                language=item["language"],
                product_type=item["product_type"],
            )
            per.append(time.perf_counter() - t0)
        scorer_total = time.perf_counter() - started

        conversations = [
            call_import(
                organisation=organisation,
                actor=trainer,
                title=f"bench {i}",
                language=item["language"],
                turns=item["turns"],
                source="bench",
            )
            for i, item in enumerate(items)
        ]
        scorecard_ids = [c.scorecards.get().pk for c in conversations]
        full = []
        started = time.perf_counter()
        for pk in scorecard_ids:
            t0 = time.perf_counter()
            scorecard_score(scorecard_id=pk)
            full.append(time.perf_counter() - t0)
        full_total = time.perf_counter() - started

        def line(name, total, samples):
            ms = sorted(1000 * s for s in samples)
            p95 = ms[int(0.95 * (len(ms) - 1))]
            print(
                f"{name:<34} {len(samples) / total:7.1f} /s   mean {statistics.mean(ms):6.1f} ms"
                f"   p50 {statistics.median(ms):6.1f} ms   p95 {p95:6.1f} ms"
            )

        print(f"database: {connection.vendor}")
        line("score_dialogue (scorer only)", scorer_total, per)
        line("scorecard_score (full task)", full_total, full)
    finally:
        remove_organisation(organisation)


if __name__ == "__main__":
    main()
