"""Retrieval evaluation: how often the search engine puts the gold passage first or in the top 5.

Reads a folder of `passages.jsonl` (id, product, text) and `<split>.jsonl` (question, product,
passage_id), indexes the passages with the production `SearchIndex`, asks every question over all
passages and scoped to the question's product, and measures hit@1, hit@5 and query latency.
Pure Python so it runs in tests without Django; `manage.py eval_retrieval` is a thin wrapper.
"""

from __future__ import annotations

import json
import re
import statistics
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from knowledge.search.engine import DEFAULT_TUNING, Document, SearchIndex, Tuning

# A clause passage opens with its number and heading: "3.5 失踪处理 …", "第九条 受益人 …".
_HEADING_RE = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+条\s*)?(?:\d+(?:\.\d+)*\.?\s*)?"
    r"(?P<title>[^\s，。；：:,;（(“\"]{2,12})"
)


@dataclass(frozen=True)
class Passage:
    id: str
    product: str
    text: str


@dataclass(frozen=True)
class Question:
    question: str
    product: str
    passage_id: str


def clause_heading(text: str) -> str:
    """The heading of a clause passage ("失踪处理" of "3.5 失踪处理 如果…"), or ""."""
    match = _HEADING_RE.match(text)
    return match.group("title") if match else ""


def passage_document(passage: Passage) -> Document:
    return Document(
        id=passage.id,
        text=passage.text,
        title=clause_heading(passage.text),
        product=passage.product,
        kind="passage",
        context=passage.product,
    )


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_benchmark(folder: Path, split: str) -> tuple[list[Passage], list[Question]]:
    passages = [
        Passage(id=str(r["id"]), product=str(r["product"]), text=str(r["text"]))
        for r in read_jsonl(folder / "passages.jsonl")
    ]
    questions = [
        Question(
            question=str(r["question"]), product=str(r["product"]), passage_id=str(r["passage_id"])
        )
        for r in read_jsonl(folder / f"{split}.jsonl")
    ]
    return passages, questions


def _percentile(values: list[float], pct: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    # Nearest-rank percentile: the value at or below which pct % of the queries fall.
    rank = max(1, round(pct / 100 * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def evaluate(
    passages: Iterable[Passage],
    questions: Iterable[Question],
    *,
    tuning: Tuning = DEFAULT_TUNING,
) -> dict[str, float | int]:
    """hit@1/hit@5 over all passages and within the question's product, latency in ms, n."""
    build_started = time.perf_counter()
    index = SearchIndex((passage_document(p) for p in passages), tuning=tuning)
    build_ms = (time.perf_counter() - build_started) * 1000
    questions = list(questions)
    hits = {"hit@1": 0, "hit@5": 0, "scoped_hit@1": 0, "scoped_hit@5": 0}
    latencies: list[float] = []
    for q in questions:
        started = time.perf_counter()
        ranked = [h.id for h in index.search(q.question, limit=5)]
        latencies.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        scoped = [h.id for h in index.search(q.question, product=q.product, limit=5)]
        latencies.append((time.perf_counter() - started) * 1000)
        hits["hit@1"] += ranked[:1] == [q.passage_id]
        hits["hit@5"] += q.passage_id in ranked
        hits["scoped_hit@1"] += scoped[:1] == [q.passage_id]
        hits["scoped_hit@5"] += q.passage_id in scoped
    n = len(questions)
    result: dict[str, float | int] = {k: round(v / n, 4) if n else 0.0 for k, v in hits.items()}
    result["p50_ms"] = round(statistics.median(latencies), 2) if latencies else 0.0
    result["p95_ms"] = round(_percentile(latencies, 95), 2)
    result["n"] = n
    result["build_ms"] = round(build_ms, 1)
    result["passages"] = len(index)
    return result
