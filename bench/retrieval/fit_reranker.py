"""Fit the search re-ranker's weights (knowledge/search/rerank.py WEIGHTS) on development data.

    .venv/bin/python bench/retrieval/fit_reranker.py ../shared/eval/insqabench [--folds 5]

Every development question is asked over all passages and within its product; the first stage's
candidates and their features come from the production `SearchIndex`. A linear model is fitted
with a listwise softmax loss (the gold passage against the other candidates of the same list) and
a small L2 penalty, on standardised features; the weights printed at the end are converted back to
raw feature units, ready to paste into rerank.WEIGHTS.

The honest estimate is the grouped cross-validation: the questions are split into folds by
product, so no product's passages are seen in both the training and the validation folds.
Only `questions_dev` is read; the test split is never used for fitting.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from knowledge.search.engine import DEFAULT_TUNING, SearchIndex  # noqa: E402
from knowledge.search.evaluation import load_benchmark, passage_document  # noqa: E402
from knowledge.search.rerank import FEATURE_NAMES  # noqa: E402

# Bigram Jaccard similarity above which two passages count as copies of one clause.
COPY_JACCARD = 0.6


@dataclass
class Item:
    """One question: its candidate lists over all passages and within its product."""

    product: str
    all_features: list[tuple[float, ...]]
    all_gold: int | None  # position of the gold passage among the candidates, or None
    scoped_features: list[tuple[float, ...]]
    scoped_gold: int | None
    # Per candidate of the all-passages list: a near-copy of the gold passage (another
    # product's version of the same standard clause), which the loss may count as right too.
    all_copies: list[bool]


def collect(
    folder: Path,
    split: str,
    depth: int,
    extra: Callable[[int, str], tuple[float, ...]] | None = None,
) -> list[Item]:
    """Candidates and features of every question; `extra(question number, passage id)` appends
    further features to each candidate (bench/retrieval/dense_probe.py adds a dense cosine)."""
    passages, questions = load_benchmark(folder, split)
    index = SearchIndex(
        (passage_document(p) for p in passages), tuning=replace(DEFAULT_TUNING, rerank_depth=depth)
    )
    bigrams = {p.id: {p.text[i : i + 2] for i in range(len(p.text) - 1)} for p in passages}
    items = []
    for number, q in enumerate(questions):
        lists = []
        for product in (None, q.product):
            cands = index.candidates(q.question, product=product)
            ids = [c.id for c in cands]
            gold = ids.index(q.passage_id) if q.passage_id in ids else None
            features = [c.features + (extra(number, c.id) if extra else ()) for c in cands]
            lists.append((features, gold, ids))
        gold_bigrams = bigrams[q.passage_id]
        copies = [
            len(bigrams[i] & gold_bigrams) / (len(bigrams[i] | gold_bigrams) or 1) > COPY_JACCARD
            for i in lists[0][2]
        ]
        items.append(Item(q.product, lists[0][0], lists[0][1], lists[1][0], lists[1][1], copies))
    return items


def width(items: list[Item]) -> int:
    """Features per candidate: the production re-ranker's, plus any extra ones."""
    return next(len(f) for it in items for f in it.all_features)


def standardiser(items: list[Item]) -> tuple[list[float], list[float]]:
    k = width(items)
    rows = [f for it in items for f in it.all_features + it.scoped_features]
    mean = [sum(r[j] for r in rows) / len(rows) for j in range(k)]
    std = [math.sqrt(sum((r[j] - mean[j]) ** 2 for r in rows) / len(rows)) or 1.0 for j in range(k)]
    return mean, std


def lists_of(
    items: list[Item], mean, std, *, copies: bool, keep: int
) -> list[tuple[list[list[float]], list[int]]]:
    """Standardised training lists: (rows, positions of the right candidates).

    Only the first `keep` candidates (plus the gold one) of a list are kept: candidates further
    down hardly move the loss and would slow the fit.
    """
    out = []
    for it in items:
        for feats, gold, extra in (
            (it.all_features, it.all_gold, it.all_copies if copies else []),
            (it.scoped_features, it.scoped_gold, []),
        ):
            if gold is None or len(feats) < 2:
                continue
            positives = {gold} | {i for i, is_copy in enumerate(extra) if is_copy}
            chosen = [i for i in range(len(feats)) if i < keep or i == gold]
            rows = [
                [(x - m) / sd for x, m, sd in zip(feats[i], mean, std, strict=True)] for i in chosen
            ]
            out.append((rows, [n for n, i in enumerate(chosen) if i in positives]))
    return out


def fit(
    lists: list[tuple[list[list[float]], list[int]]],
    k: int,
    *,
    l2: float,
    iterations: int,
    mask: tuple[bool, ...] | None = None,
) -> list[float]:
    """Adam on the mean listwise softmax loss -log(sum of the right candidates' probabilities).

    Features outside `mask` keep weight 0.
    """
    w = [0.0] * k
    m = [0.0] * k
    v = [0.0] * k
    lr, b1, b2 = 0.05, 0.9, 0.999
    for step in range(1, iterations + 1):
        grad = [0.0] * k
        for rows, positives in lists:
            scores = [sum(wj * fj for wj, fj in zip(w, r, strict=True)) for r in rows]
            top = max(scores)
            exps = [math.exp(s - top) for s in scores]
            z = sum(exps)
            z_pos = sum(exps[i] for i in positives)
            for n, (r, e) in enumerate(zip(rows, exps, strict=True)):
                p = e / z - (e / z_pos if n in positives else 0.0)
                if -1e-9 < p < 1e-9:
                    continue
                for j in range(k):
                    grad[j] += p * r[j]
        n = len(lists)
        for j in range(k):
            if mask is not None and not mask[j]:
                continue
            gj = grad[j] / n + l2 * w[j]
            m[j] = b1 * m[j] + (1 - b1) * gj
            v[j] = b2 * v[j] + (1 - b2) * gj * gj
            mh = m[j] / (1 - b1**step)
            vh = v[j] / (1 - b2**step)
            w[j] -= lr * mh / (math.sqrt(vh) + 1e-8)
    return w


def rank_of(features: list[tuple[float, ...]], gold: int | None, weights: list[float]) -> int:
    """0-based rank of the gold candidate under raw-unit weights (ties keep first-stage order)."""
    if gold is None:
        return 10**6
    scores = [sum(w * f for w, f in zip(weights, feats, strict=True)) for feats in features]
    g = scores[gold]
    return sum(1 for i, s in enumerate(scores) if s > g or (s == g and i < gold))


def measure(items: list[Item], weights: list[float]) -> dict[str, float]:
    n = len(items)
    all_ranks = [rank_of(it.all_features, it.all_gold, weights) for it in items]
    scoped_ranks = [rank_of(it.scoped_features, it.scoped_gold, weights) for it in items]
    return {
        "hit@1": sum(r < 1 for r in all_ranks) / n,
        "hit@5": sum(r < 5 for r in all_ranks) / n,
        "scoped_hit@1": sum(r < 1 for r in scoped_ranks) / n,
        "scoped_hit@5": sum(r < 5 for r in scoped_ranks) / n,
    }


def raw_weights(w: list[float], std: list[float]) -> list[float]:
    # The mean shift is the same for every candidate of a list, so it drops out of the ranking.
    return [wj / sj for wj, sj in zip(w, std, strict=True)]


def fold_of(product: str, folds: int) -> int:
    return int(hashlib.sha1(product.encode("utf-8")).hexdigest(), 16) % folds


def train(
    items: list[Item],
    *,
    l2: float,
    iterations: int,
    copies: bool = False,
    keep: int = 50,
    mask: tuple[bool, ...] | None = None,
) -> list[float]:
    mean, std = standardiser(items)
    lists = lists_of(items, mean, std, copies=copies, keep=keep)
    w = fit(lists, width(items), l2=l2, iterations=iterations, mask=mask)
    return raw_weights(w, std)


def cross_validate(items: list[Item], folds: int, **kwargs) -> dict[str, float]:
    totals = {"hit@1": 0.0, "hit@5": 0.0, "scoped_hit@1": 0.0, "scoped_hit@5": 0.0}
    for fold in range(folds):
        training = [it for it in items if fold_of(it.product, folds) != fold]
        held_out = [it for it in items if fold_of(it.product, folds) == fold]
        weights = train(training, **kwargs)
        for key, value in measure(held_out, weights).items():
            totals[key] += value * len(held_out)
    return {key: value / len(items) for key, value in totals.items()}


def fmt(figures: dict[str, float]) -> str:
    return "  ".join(f"{k}={v:.3f}" for k, v in figures.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--split", default="questions_dev")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--depth", type=int, default=DEFAULT_TUNING.rerank_depth)
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--iterations", type=int, default=200)
    parser.add_argument("--keep", type=int, default=50, help="candidates per training list")
    parser.add_argument(
        "--copies",
        action="store_true",
        help="count near-copies of the gold passage as right answers too",
    )
    args = parser.parse_args()
    if "test" in args.split:
        parser.error("the test split is for the final measurement only")

    started = time.perf_counter()
    items = collect(args.folder, args.split, args.depth)
    print(f"{len(items)} questions, features in {time.perf_counter() - started:.1f} s")
    recall = sum(it.all_gold is not None for it in items) / len(items)
    print(f"gold among the first stage's {args.depth} candidates: {recall:.3f}")
    k = len(FEATURE_NAMES)
    first_stage = [1.0] + [0.0] * (k - 1)
    print(f"first stage only:        {fmt(measure(items, first_stage))}")
    opts = {"l2": args.l2, "iterations": args.iterations, "keep": args.keep, "copies": args.copies}
    print(
        f"re-ranker, grouped {args.folds}-fold CV: {fmt(cross_validate(items, args.folds, **opts))}"
    )
    weights = train(items, **opts)
    print(f"re-ranker, in-sample:    {fmt(measure(items, weights))}")
    print("WEIGHTS: tuple[float, ...] = (")
    for name, w in zip(FEATURE_NAMES, weights, strict=True):
        print(f"    {w:.4f},  # {name}")
    print(")")
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
