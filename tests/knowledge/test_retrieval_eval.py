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


def test_dev_hit_rates(dev_figures):
    assert dev_figures["n"] > 400
    assert dev_figures["hit@5"] >= 0.75, dev_figures
    assert dev_figures["scoped_hit@1"] >= 0.98, dev_figures


def test_dev_latency(dev_figures):
    assert dev_figures["p95_ms"] <= 50, dev_figures
