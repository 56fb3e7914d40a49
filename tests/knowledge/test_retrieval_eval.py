"""Retrieval quality and speed of knowledge search on the InsQABench development questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.search.evaluation import evaluate, load_benchmark

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "insqabench"

pytestmark = pytest.mark.eval


@pytest.fixture(scope="module")
def dev_figures() -> dict:
    if not (BENCH / "passages.jsonl").is_file():
        pytest.skip(f"retrieval evaluation data not found at {BENCH} (needs ../shared/eval)")
    passages, questions = load_benchmark(BENCH, "questions_dev")
    return evaluate(passages, questions)


# The engine beats the plain character-bigram BM25 reference (hit@5 0.683, scoped hit@1 0.975)
# but not yet the product targets (0.75 / 0.98): bench/retrieval/README.md records the gap and
# why lexical features stall there. These floors guard against regressions from today's figures.
HIT5_FLOOR = 0.69
SCOPED_HIT1_FLOOR = 0.975


def test_dev_hit_rates_beat_the_reference(dev_figures):
    assert dev_figures["n"] > 400
    assert dev_figures["hit@5"] >= HIT5_FLOOR, dev_figures
    assert dev_figures["scoped_hit@1"] >= SCOPED_HIT1_FLOOR, dev_figures
    assert dev_figures["scoped_hit@5"] >= 0.99, dev_figures


def test_dev_latency(dev_figures):
    assert dev_figures["p95_ms"] <= 50, dev_figures
