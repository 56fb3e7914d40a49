"""In-process search over knowledge passages and articles: BM25F candidates, then a re-ranker.

Pure Python and independent of Django so the same index serves the knowledge pages, the search
API, real-time hints during practice, the scorer and the retrieval evaluation.

Two stages:

1. Candidates. Each document is indexed in several fields (body unigrams, bigrams and words;
   title bigrams and words; an optional product-context field); every field has its own BM25
   statistics and a weight. All per-posting BM25 contributions are computed when the index is
   built, so a query only sums numbers. The weighted sum, multiplied by a coverage factor (the
   idf-weighted share of the query's bigrams a document contains), picks the top candidates.
2. Re-ranking. For each candidate a handful of interpretable features is computed (see
   `knowledge.search.rerank`) and the candidates are ordered by a small linear model whose
   weights were fitted offline (`bench/retrieval/fit_reranker.py`).
"""

from __future__ import annotations

import html
import math
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass

from knowledge.search import rerank
from knowledge.search.text import (
    Analysed,
    analyse,
    expand_query,
    is_cjk,
    normalize,
    normalize_char,
    quantities,
    query_phrases,
    query_segments,
    stem_en,
)


@dataclass(frozen=True)
class Document:
    id: str
    text: str
    title: str = ""
    product: str | None = None
    kind: str = "passage"
    language: str = "zh"
    # Further products the document applies to (an article linked to several products).
    also_products: tuple[str, ...] = ()
    # Words that locate the document (product name, article tags) without being its content;
    # searched as a weak field.
    context: str = ""


@dataclass(frozen=True)
class Hit:
    id: str
    score: float  # the re-ranker's score: larger is better, comparable within one query only
    snippet: str  # HTML-escaped text with <mark>…</mark> around matched terms


@dataclass(frozen=True)
class Candidate:
    """A first-stage candidate with its re-ranking features (for evaluation and fitting)."""

    index: int  # position in SearchIndex.documents
    id: str
    base: float  # first-stage score
    features: tuple[float, ...]  # in the order of rerank.FEATURE_NAMES


@dataclass(frozen=True)
class Tuning:
    """Ranking parameters; the defaults are the ones measured in bench/retrieval/README.md."""

    k1: float = 1.2
    b: float = 0.75
    body_unigram: float = 0.25
    body_bigram: float = 1.0
    body_word: float = 0.6
    title_bigram: float = 0.8
    title_word: float = 0.5
    context_bigram: float = 0.1
    coverage: float = 1.0  # base *= (1 + coverage * matched share of query bigram idf)
    expansion: float = 0.5  # query weight of synonyms from text.expand_query
    window: int = 60  # characters in the proximity window
    rerank_depth: int = 50  # first-stage candidates that the re-ranker orders
    # Re-ranker weights, in the order of rerank.FEATURE_NAMES; None = first-stage order only.
    weights: tuple[float, ...] | None = rerank.WEIGHTS


DEFAULT_TUNING = Tuning()

SNIPPET_CHARS = 160

# Field name -> which list of Analysed terms it indexes and from which part of the document.
_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("body_unigram", "body", "unigrams"),
    ("body_bigram", "body", "bigrams"),
    ("body_word", "body", "words"),
    ("title_bigram", "title", "bigrams"),
    ("title_word", "title", "words"),
    ("context_bigram", "context", "bigrams"),
)


@dataclass
class _Query:
    """What the features need to know about one query, computed once per search."""

    bigram_weights: dict[str, float]  # distinct query bigram -> idf
    bigram_total: float
    bigram_max: float
    word_weights: dict[str, float]  # distinct query word -> idf
    word_total: float
    tfidf: dict[str, float]  # query bigram vector for the cosine
    tfidf_norm: float
    segments: list[str]  # CJK runs of the query without scaffolding
    trigrams: frozenset[str]  # character trigrams of the segments
    segment_chars: int
    quantities: frozenset[str]


class SearchIndex:
    """An immutable inverted index over documents; build once, query many times."""

    def __init__(self, documents: Iterable[Document], *, tuning: Tuning = DEFAULT_TUNING) -> None:
        self.tuning = tuning
        self.documents: list[Document] = list(documents)
        if tuning.weights is not None and len(tuning.weights) != len(rerank.FEATURE_NAMES):
            raise ValueError("one re-ranker weight per feature is needed")
        self._by_product: dict[str | None, set[int]] = defaultdict(set)
        self._by_kind: dict[str, set[int]] = defaultdict(set)
        for i, doc in enumerate(self.documents):
            self._by_product[doc.product].add(i)
            for code in doc.also_products:
                self._by_product[code].add(i)
            self._by_kind[doc.kind].add(i)

        analysed: dict[str, list[Analysed]] = {
            "body": [analyse(d.text) for d in self.documents],
            "title": [analyse(d.title) for d in self.documents],
            "context": [analyse(d.context, use_jieba=False) for d in self.documents],
        }
        n = len(self.documents)
        # Title and body as one normalised string, for phrase matching and proximity.
        self._norm_texts: list[str] = [
            normalize(f"{d.title} {d.text}" if d.title else d.text) for d in self.documents
        ]
        self._log_lengths: list[float] = [math.log(2 + len(t)) for t in self._norm_texts]
        self._quantities: list[frozenset[str]] = [quantities(t) for t in self._norm_texts]
        # Field -> term -> list of (document index, precomputed BM25 contribution).
        self._postings: dict[str, dict[str, list[tuple[int, float]]]] = {}
        for field_name, part, attr in _FIELDS:
            if getattr(tuning, field_name) <= 0:
                continue
            self._postings[field_name] = self._build_field(
                [getattr(a, attr) for a in analysed[part]], n
            )
        # Per document: bigram counts of body+title, for coverage, the cosine and snippets.
        bigram_counts: list[Counter[str]] = [
            Counter(b.bigrams) + Counter(t.bigrams)
            for b, t in zip(analysed["body"], analysed["title"], strict=True)
        ]
        self._doc_words: list[frozenset[str]] = [
            frozenset(b.words) | frozenset(t.words)
            for b, t in zip(analysed["body"], analysed["title"], strict=True)
        ]
        self._title_bigrams: list[frozenset[str]] = [
            frozenset(t.bigrams) for t in analysed["title"]
        ]
        self._context_bigrams: list[frozenset[str]] = [
            frozenset(c.bigrams) for c in analysed["context"]
        ]
        # Bigram -> documents containing it in body or title, for the coverage factor.
        self._bigram_docs: dict[str, list[int]] = defaultdict(list)
        for i, counts in enumerate(bigram_counts):
            for t in counts:
                self._bigram_docs[t].append(i)
        self._bigram_idf: dict[str, float] = {
            t: _idf(len(docs), n) for t, docs in self._bigram_docs.items()
        }
        word_df: Counter[str] = Counter()
        for words in self._doc_words:
            word_df.update(words)
        self._word_idf: dict[str, float] = {t: _idf(c, n) for t, c in word_df.items()}
        idf = self._bigram_idf
        self._doc_bigram_tf: list[Counter[str]] = bigram_counts
        # Euclidean norm of each document's tf-idf bigram vector, for the cosine.
        self._doc_norms: list[float] = [
            math.sqrt(sum(((1.0 + math.log(c)) * idf[t]) ** 2 for t, c in counts.items())) or 1.0
            for counts in bigram_counts
        ]

    def _build_field(
        self, term_lists: list[list[str]], n: int
    ) -> dict[str, list[tuple[int, float]]]:
        k1, b = self.tuning.k1, self.tuning.b
        lengths = [len(terms) for terms in term_lists]
        avg = (sum(lengths) / n) if n else 0.0
        counts: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, terms in enumerate(term_lists):
            for term, tf in Counter(terms).items():
                counts[term].append((i, tf))
        norms = [k1 * (1 - b + b * length / avg) if avg else k1 for length in lengths]
        postings: dict[str, list[tuple[int, float]]] = {}
        for term, plist in counts.items():
            idf = _idf(len(plist), n) * (k1 + 1)
            postings[term] = [(i, idf * tf / (tf + norms[i])) for i, tf in plist]
        return postings

    def knows_terms_of(self, query: str) -> bool:
        """Whether a query names something the index knows, beyond bare numbers.

        A query such as ``<script>alert(1)</script>`` analyses to "script", "alert" and "1";
        the words occur nowhere, so only the "1" would match, and every clause numbered 1 would
        come back as if it answered. Such a query should find nothing. A query of numbers only
        is searched as asked. Ranking does not use this.
        """
        terms = analyse(query, query=True)
        synonyms = analyse(" ".join(expand_query(query)), query=True)
        words = [w for w in terms.words + synonyms.words if not w.replace(".", "").isdigit()]
        if not terms.unigrams and not words:
            return bool(terms.words)  # numbers only (or nothing at all)
        candidates = {
            "unigrams": terms.unigrams + synonyms.unigrams,
            "bigrams": terms.bigrams + synonyms.bigrams,
            "words": words,
        }
        return any(
            term in self._postings[field]
            for field, _part, kind in _FIELDS
            if field in self._postings
            for term in candidates[kind]
        )

    def __len__(self) -> int:
        return len(self.documents)

    def search(
        self,
        query: str,
        *,
        product: str | None = None,
        kinds: Collection[str] | None = None,
        limit: int = 10,
    ) -> list[Hit]:
        """Rank documents for a query, optionally only one product's and only some kinds."""
        if limit <= 0:
            return []
        candidates = self.candidates(query, product=product, kinds=kinds)
        weights = self.tuning.weights
        if weights is None:
            ranked = [(c.index, c.base) for c in candidates]
        else:
            scored = [(c.index, rerank.score(weights, c.features)) for c in candidates]
            ranked = sorted(scored, key=lambda item: (-item[1], item[0]))
        phrases = query_phrases(query)
        return [
            Hit(
                id=self.documents[i].id,
                score=round(score, 4),
                snippet=make_snippet(self.documents[i].text, phrases),
            )
            for i, score in ranked[:limit]
        ]

    def candidates(
        self,
        query: str,
        *,
        product: str | None = None,
        kinds: Collection[str] | None = None,
        depth: int | None = None,
    ) -> list[Candidate]:
        """The first stage's best documents for a query, best first, with their features."""
        if not query or not query.strip() or not self.documents:
            return []
        allowed = self._allowed(product, kinds)
        if allowed is not None and not allowed:
            return []
        q = analyse(query, query=True)
        expansion = analyse(" ".join(expand_query(query)), query=True)
        ew = self.tuning.expansion
        field_scores: dict[str, dict[int, float]] = {}
        for field_name, part_attr in ((f, a) for f, _, a in _FIELDS):
            postings = self._postings.get(field_name)
            if postings is None:
                continue
            weights = {t: 1.0 + math.log(c) for t, c in Counter(getattr(q, part_attr)).items()}
            if ew > 0:
                for t in set(getattr(expansion, part_attr)):
                    weights.setdefault(t, ew)
            acc: dict[int, float] = defaultdict(float)
            for term, qw in weights.items():
                plist = postings.get(term)
                if not plist:
                    continue
                if allowed is None:
                    for i, impact in plist:
                        acc[i] += qw * impact
                else:
                    for i, impact in plist:
                        if i in allowed:
                            acc[i] += qw * impact
            field_scores[field_name] = acc
        base: dict[int, float] = defaultdict(float)
        for field_name, acc in field_scores.items():
            weight = getattr(self.tuning, field_name)
            for i, s in acc.items():
                base[i] += weight * s
        if not base:
            return []
        ctx = self._query_context(query, q)
        # Idf-weighted share of the query's distinct bigrams that each document contains.
        shares: dict[int, float] = defaultdict(float)
        if ctx.bigram_total > 0:
            for t, w in ctx.bigram_weights.items():
                for i in self._bigram_docs.get(t, ()):
                    shares[i] += w / ctx.bigram_total
        if self.tuning.coverage > 0:
            for i in base:
                base[i] *= 1.0 + self.tuning.coverage * shares.get(i, 0.0)
        depth = self.tuning.rerank_depth if depth is None else depth
        top = sorted(base.items(), key=lambda item: (-item[1], item[0]))[:depth]
        empty: dict[int, float] = {}
        features = [
            self._features(
                i,
                rank,
                score,
                ctx,
                {f: field_scores.get(f, empty).get(i, 0.0) for f in _NAMES},
                shares.get(i, 0.0),
            )
            + local
            for rank, (i, score), local in zip(
                range(len(top)), top, self._local_features([i for i, _ in top], ctx), strict=True
            )
        ]
        return [
            Candidate(index=i, id=self.documents[i].id, base=score, features=f)
            for (i, score), f in zip(top, features, strict=True)
        ]

    def _local_features(self, candidates: list[int], ctx: _Query) -> list[tuple[float, ...]]:
        """Matched share of query terms weighted by how rare each term is among the candidates.

        Many passages are near-copies of one standard clause; a term all of them share says
        nothing about which one is meant, while a term only a few of them contain does.
        """
        n = len(candidates)
        term_sets = (
            (ctx.bigram_weights, [self._doc_bigram_tf[i] for i in candidates]),
            (ctx.word_weights, [self._doc_words[i] for i in candidates]),
            (ctx.trigrams, [self._norm_texts[i] for i in candidates]),
        )
        columns = []
        for terms, docs in term_sets:
            present = [[t for t in terms if t in doc] for doc in docs]
            df: Counter[str] = Counter(t for found in present for t in found)
            # Terms no candidate has carry no information within the list.
            weights = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
            total = sum(weights.values())
            columns.append(
                [sum(weights[t] for t in found) / total if total > 0 else 0.0 for found in present]
            )
        return [tuple(values) for values in zip(*columns, strict=True)]

    def _query_context(self, query: str, q: Analysed) -> _Query:
        bigram_weights = {t: self._bigram_idf.get(t, 0.0) for t in set(q.bigrams)}
        word_weights = {t: self._word_idf.get(t, 0.0) for t in set(q.words)}
        # Query side of the cosine: 1 + log(tf); the idf is applied once per side.
        tfidf = {t: 1.0 + math.log(c) for t, c in Counter(q.bigrams).items()}
        segments = query_segments(query)
        return _Query(
            bigram_weights=bigram_weights,
            bigram_total=sum(bigram_weights.values()),
            bigram_max=max(bigram_weights.values(), default=0.0),
            word_weights=word_weights,
            word_total=sum(word_weights.values()),
            tfidf=tfidf,
            tfidf_norm=math.sqrt(sum((v * bigram_weights[t]) ** 2 for t, v in tfidf.items()))
            or 1.0,
            segments=segments,
            trigrams=frozenset(s[i : i + 3] for s in segments for i in range(len(s) - 2)),
            segment_chars=sum(len(s) for s in segments),
            quantities=quantities(query),
        )

    def _features(
        self,
        i: int,
        rank: int,
        base: float,
        ctx: _Query,
        fields: dict[str, float],
        bigram_share: float,
    ) -> tuple[float, ...]:
        text = self._norm_texts[i]
        doc_words = self._doc_words[i]
        word_share = (
            sum(w for t, w in ctx.word_weights.items() if t in doc_words) / ctx.word_total
            if ctx.word_total > 0
            else 0.0
        )
        proximity = (
            _best_window_share(text, ctx.bigram_weights, self.tuning.window) / ctx.bigram_total
            if ctx.bigram_total > 0
            else 0.0
        )
        longest, covered = rerank.phrase_match(ctx.segments, text)
        tf = self._doc_bigram_tf[i]
        dot = flat = 0.0
        missing = 0.0
        for t, w in ctx.bigram_weights.items():
            c = tf.get(t, 0)
            if c:
                dot += ctx.tfidf[t] * (1.0 + math.log(c)) * w * w
                flat += w * c / (c + self.tuning.k1)
            elif w > missing:
                missing = w
        cosine = dot / (ctx.tfidf_norm * self._doc_norms[i])
        lead = text[:_LEAD_CHARS]
        lead_share = (
            sum(w for t, w in ctx.bigram_weights.items() if t in lead) / ctx.bigram_total
            if ctx.bigram_total > 0
            else 0.0
        )
        title = self._title_bigrams[i]
        heading = sum(1 for t in title if t in ctx.bigram_weights) / len(title) if title else 0.0
        context = self._context_bigrams[i]
        product = (
            sum(w for t, w in ctx.bigram_weights.items() if t in context) / ctx.bigram_total
            if ctx.bigram_total > 0 and context
            else 0.0
        )
        quantity = (
            len(ctx.quantities & self._quantities[i]) / len(ctx.quantities)
            if ctx.quantities
            else 0.0
        )
        return (
            math.log(base) if base > 0 else -10.0,
            math.log1p(fields["body_bigram"]),
            math.log1p(fields["body_unigram"]),
            math.log1p(fields["body_word"]),
            math.log1p(fields["title_bigram"] + fields["title_word"]),
            math.log1p(fields["context_bigram"]),
            bigram_share,
            word_share,
            proximity,
            math.log1p(longest),
            covered / ctx.segment_chars if ctx.segment_chars else 0.0,
            cosine,
            quantity,
            heading,
            self._log_lengths[i],
            product,
            math.log(2 + rank),
            math.log1p(flat),
            missing / ctx.bigram_max if ctx.bigram_max > 0 else 0.0,
            lead_share,
        )

    def _allowed(self, product: str | None, kinds: Collection[str] | None) -> set[int] | None:
        allowed: set[int] | None = None
        if product is not None:
            allowed = set(self._by_product.get(product, ()))
        if kinds is not None:
            by_kind: set[int] = set()
            for kind in kinds:
                by_kind |= self._by_kind.get(kind, set())
            allowed = by_kind if allowed is None else allowed & by_kind
        return allowed


_NAMES = tuple(f for f, _, _ in _FIELDS)
# The opening characters of a document: its heading and first sentence, what it is mainly about.
_LEAD_CHARS = 60


def _best_window_share(text: str, weights: dict[str, float], window: int) -> float:
    """Largest idf sum of distinct query bigrams found within `window` characters of text."""
    found: list[tuple[int, str]] = []
    for term, weight in weights.items():
        if weight <= 0:
            continue
        pos = text.find(term)
        while pos != -1:
            found.append((pos, term))
            pos = text.find(term, pos + 1)
    if not found:
        return 0.0
    found.sort()
    inside: Counter[str] = Counter()
    current = best = 0.0
    left = 0
    for pos, term in found:
        inside[term] += 1
        if inside[term] == 1:
            current += weights[term]
        while found[left][0] < pos - window:
            old = found[left][1]
            inside[old] -= 1
            if inside[old] == 0:
                current -= weights[old]
            left += 1
        best = max(best, current)
    return best


def _idf(df: int, n: int) -> float:
    # The BM25+ style "+1" keeps idf positive for terms in more than half the documents.
    return math.log(1.0 + (n - df + 0.5) / (df + 0.5))


def make_snippet(text: str, phrases: list[str], width: int = SNIPPET_CHARS) -> str:
    """An HTML-escaped window of text around the densest match, matched terms in <mark>."""
    if not text:
        return ""
    norm = "".join(normalize_char(c) for c in text)
    marked = [False] * len(text)
    cjk_bigrams = {p[i : i + 2] for p in phrases if is_cjk(p[0]) for i in range(len(p) - 1)}
    single_chars = {p for p in phrases if is_cjk(p[0]) and len(p) == 1}
    en_stems = {p for p in phrases if not is_cjk(p[0])}
    for i in range(len(norm) - 1):
        if norm[i : i + 2] in cjk_bigrams:
            marked[i] = marked[i + 1] = True
    if single_chars:
        for i, c in enumerate(norm):
            if c in single_chars:
                marked[i] = True
    if en_stems:
        _mark_words(norm, en_stems, marked)

    start = _best_window(marked, width)
    end = min(len(text), start + width)
    parts: list[str] = ["…"] if start > 0 else []
    i = start
    while i < end:
        j = i
        while j < end and marked[j] == marked[i]:
            j += 1
        chunk = html.escape(text[i:j])
        parts.append(f"<mark>{chunk}</mark>" if marked[i] else chunk)
        i = j
    if end < len(text):
        parts.append("…")
    return "".join(parts)


def _mark_words(norm: str, stems: set[str], marked: list[bool]) -> None:
    i = 0
    n = len(norm)
    while i < n:
        if norm[i].isascii() and norm[i].isalnum():
            j = i
            while j < n and norm[j].isascii() and norm[j].isalnum():
                j += 1
            if stem_en(norm[i:j]) in stems:
                for k in range(i, j):
                    marked[k] = True
            i = j
        else:
            i += 1


def _best_window(marked: list[bool], width: int) -> int:
    """Start of the width-long window with the most marked characters (earliest on ties)."""
    n = len(marked)
    if n <= width:
        return 0
    current = sum(marked[:width])
    best, best_start = current, 0
    for start in range(1, n - width + 1):
        current += marked[start + width - 1] - marked[start - 1]
        if current > best:
            best, best_start = current, start
    if best_start:
        # Start a little before the first match so it reads in context.
        first = next((k for k in range(best_start, best_start + width) if marked[k]), best_start)
        best_start = max(0, min(best_start, first - 20))
    return best_start
