"""Would a sentence-embedding model close the retrieval gap? Add its cosine to the re-ranker.

    python bench/retrieval/dense_probe.py ../shared/eval/insqabench MODEL_DIR [--folds 5]

MODEL_DIR is a local BERT-style sentence-embedding model (a Hugging Face model folder with
config.json, tokenizer files and weights). Passages and development questions are embedded with
mean pooling, and the cosine of question and passage becomes one more feature of every
first-stage candidate; the re-ranker is then fitted with and without it, by the same grouped
cross-validation as `fit_reranker.py`. Only `questions_dev` is read.

This is an experiment, not part of the product: it needs PyTorch and transformers, which
Peilian does not depend on, so run it from a separate virtual environment, for example

    python -m venv /tmp/dense && /tmp/dense/bin/pip install torch transformers Django jieba
    /tmp/dense/bin/python bench/retrieval/dense_probe.py ../shared/eval/insqabench MODEL_DIR

bench/retrieval/README.md has the figures measured with moka-ai's m3e-small.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_reranker import collect, cross_validate, fmt, width  # noqa: E402

from knowledge.search.evaluation import load_benchmark  # noqa: E402


def embed(model_dir: Path, texts: list[str], batch: int = 32) -> list[list[float]]:
    import torch
    from transformers import AutoModel, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(model_dir)
    model = AutoModel.from_pretrained(model_dir).eval()
    out: list[list[float]] = []
    for start in range(0, len(texts), batch):
        encoded = tokenizer(
            texts[start : start + batch],
            padding=True,
            truncation=True,
            max_length=512,
            return_tensors="pt",
        )
        with torch.no_grad():
            hidden = model(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1)
        out.extend(torch.nn.functional.normalize(pooled, dim=-1).tolist())
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("model", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--depth", type=int, default=50)
    args = parser.parse_args()

    started = time.perf_counter()
    passages, questions = load_benchmark(args.folder, "questions_dev")
    passage_vectors = dict(
        zip(
            (p.id for p in passages),
            embed(args.model, [p.text for p in passages]),
            strict=True,
        )
    )
    question_vectors = embed(args.model, [q.question for q in questions])
    print(f"embedded {len(passages)} passages, {len(questions)} questions")

    import torch

    ids = list(passage_vectors)
    scores = torch.tensor(question_vectors) @ torch.tensor([passage_vectors[i] for i in ids]).T
    top5 = [[ids[j] for j in row] for row in scores.topk(5, dim=1).indices.tolist()]
    hit1 = sum(top[0] == q.passage_id for top, q in zip(top5, questions, strict=True))
    hit5 = sum(q.passage_id in top for top, q in zip(top5, questions, strict=True))
    n = len(questions)
    print(f"dense model alone:           hit@1={hit1 / n:.3f}  hit@5={hit5 / n:.3f}")

    def cosine(number: int, passage_id: str) -> tuple[float]:
        qv, pv = question_vectors[number], passage_vectors[passage_id]
        return (sum(a * b for a, b in zip(qv, pv, strict=True)),)

    items = collect(args.folder, "questions_dev", args.depth, extra=cosine)
    k = width(items)
    lexical_only = tuple([True] * (k - 1) + [False])
    opts = {"l2": 0.01, "iterations": 200}
    print(
        f"re-ranker, lexical features:  "
        f"{fmt(cross_validate(items, args.folds, mask=lexical_only, **opts))}"
    )
    print(f"re-ranker, + dense cosine:    {fmt(cross_validate(items, args.folds, **opts))}")
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
