"""The second search stage: a small linear model over interpretable features of a candidate.

The features describe how well one first-stage candidate matches the query; the model is a dot
product with fixed weights. The weights were fitted offline on the InsQABench development
questions with a softmax (listwise) loss, checked by cross-validation grouped by product;
`bench/retrieval/fit_reranker.py` reproduces them and bench/retrieval/README.md has the figures.
"""

from __future__ import annotations

from collections.abc import Sequence

FEATURE_NAMES: tuple[str, ...] = (
    "base",  # log of the first-stage score (weighted BM25F x bigram coverage)
    "bm25_bigram",  # log(1 + BM25) of the body bigram field
    "bm25_unigram",  # … body characters
    "bm25_word",  # … body jieba words / English stems
    "bm25_title",  # … title bigrams + words
    "bm25_context",  # … product-name / context field
    "coverage_bigram",  # idf-weighted share of the query's distinct bigrams in the document
    "coverage_word",  # idf-weighted share of the query's distinct words in the document
    "proximity",  # idf share of query bigrams inside the best 60-character window
    "longest_run",  # log(1 + longest stretch of the query found verbatim in the document)
    "phrase_share",  # share of query characters in verbatim stretches of 3+ characters
    "cosine",  # tf-idf cosine of query and document bigram vectors
    "quantity",  # share of the query's quantities ("30日", "80%") the document states
    "heading",  # share of the document heading's bigrams that the query contains
    "log_length",  # log of the document's length in characters
    "product",  # idf share of query bigrams found in the document's product name
    "rank",  # log(2 + the first stage's 0-based rank)
    "bm25_flat",  # log(1 + bigram BM25 without length normalisation)
    "missing",  # idf of the rarest query bigram the document lacks / the query's largest idf
    "lead",  # idf share of query bigrams in the document's first 60 characters
    # Matched share of query terms weighted by their rarity among the candidates of this query:
    "local_bigram",
    "local_word",
    "local_trigram",
)

# Fitted by `bench/retrieval/fit_reranker.py ../shared/eval/insqabench` (defaults: first-stage
# depth 50, listwise softmax loss, L2 0.01, 200 Adam steps on standardised features, converted
# back to raw units) on questions_dev, 2026-11-27. Grouped 5-fold CV by product: hit@5 0.700,
# scoped hit@1 0.979 (first stage alone: 0.684 / 0.977).
WEIGHTS: tuple[float, ...] = (
    0.4365,  # base
    0.2748,  # bm25_bigram
    1.3505,  # bm25_unigram
    0.6503,  # bm25_word
    0.1277,  # bm25_title
    0.1724,  # bm25_context
    1.0150,  # coverage_bigram
    2.2756,  # coverage_word
    2.1419,  # proximity
    0.4313,  # longest_run
    1.1683,  # phrase_share
    3.7648,  # cosine
    2.1164,  # quantity
    0.2659,  # heading
    -0.5304,  # log_length
    2.1870,  # product
    -0.0203,  # rank
    0.5206,  # bm25_flat
    0.3452,  # missing
    0.4487,  # lead
    -0.5679,  # local_bigram
    0.3967,  # local_word
    0.3288,  # local_trigram
)


def score(weights: Sequence[float], features: Sequence[float]) -> float:
    return sum(w * f for w, f in zip(weights, features, strict=True))


def phrase_match(segments: Sequence[str], text: str) -> tuple[int, int]:
    """Longest query stretch found verbatim in text, and the characters in stretches of 3+.

    Each segment is walked left to right taking the longest stretch that occurs in the text
    (greedy); `in` on str is a fast C search, so this stays cheap for a few dozen candidates.
    """
    longest = covered = 0
    for segment in segments:
        n = len(segment)
        i = 0
        while i < n - 1:
            j = i + 2
            if segment[i:j] not in text:
                i += 1
                continue
            while j < n and segment[i : j + 1] in text:
                j += 1
            length = j - i
            longest = max(longest, length)
            if length >= 3:
                covered += length
            i = j
    return longest, covered
