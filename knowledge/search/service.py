"""Knowledge search over an organisation's clause passages and articles.

Builds one `SearchIndex` per organisation from the database and keeps it in the process. Each
search reads the organisation's `content_version` (one small query); when a content write has
bumped it, the index is rebuilt. Every process rebuilds on its own, so nothing is shared between
processes or machines and a stale index lives at most until the next search after a write.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from knowledge.search.engine import Document, SearchIndex

PASSAGE = "passage"
ARTICLE = "article"
ARTICLE_KINDS = ("knowledge", "talk_track")

# Search kind parameter -> document kinds inside the index.
_KIND_FILTER: dict[str, tuple[str, ...]] = {
    PASSAGE: (PASSAGE,),
    ARTICLE: ARTICLE_KINDS,
    **{k: (k,) for k in ARTICLE_KINDS},
}

_MARKDOWN_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKDOWN_MARKS_RE = re.compile(r"(^|\n)\s{0,3}(#{1,6}|>|[-*+]|\d+\.)\s+|[*_`~|]+")


@dataclass(frozen=True)
class SearchResult:
    kind: str  # "passage" | "article"
    id: int
    title: str
    product: str | None  # product code
    snippet: str  # safe HTML: escaped text with <mark> around matched terms
    score: float
    url: str


@dataclass(frozen=True)
class _Entry:
    kind: str
    pk: int
    title: str
    product: str | None
    url: str


@dataclass
class _CachedIndex:
    version: int
    index: SearchIndex
    entries: dict[str, _Entry]


_cache: dict[int, _CachedIndex] = {}
_lock = threading.Lock()


def markdown_to_text(body: str) -> str:
    """Plain text of a Markdown body, so markup neither scores nor shows in snippets."""
    text = _MARKDOWN_LINK_RE.sub(r"\1", body)
    text = _MARKDOWN_MARKS_RE.sub(lambda m: m.group(1) or " ", text)
    return re.sub(r"\s+", " ", text).strip()


def build_documents(organisation) -> tuple[list[Document], dict[str, _Entry]]:
    """Index documents and their display data for every passage and article of an organisation."""
    from knowledge.models import Article, ClausePassage

    documents: list[Document] = []
    entries: dict[str, _Entry] = {}
    passages = (
        ClausePassage.objects.filter(organisation=organisation)
        .select_related("product")
        .order_by("product_id", "order", "pk")
    )
    for passage in passages:
        product = passage.product
        doc_id = f"{PASSAGE}:{passage.pk}"
        title = f"{passage.ref} {passage.title}".strip()
        documents.append(
            Document(
                id=doc_id,
                text=passage.text,
                title=title,
                product=product.code,
                kind=PASSAGE,
                language=passage.language,
                context=f"{product.name_zh} {product.name_en}",
            )
        )
        entries[doc_id] = _Entry(
            kind=PASSAGE,
            pk=passage.pk,
            title=f"{product.name_zh if passage.language == 'zh' else product.name_en} · {title}",
            product=product.code,
            url=f"/knowledge/products/{product.code}/#clause-{passage.pk}",
        )
    articles = Article.objects.filter(organisation=organisation).prefetch_related("products")
    for article in articles.order_by("pk"):
        codes = sorted(p.code for p in article.products.all())
        doc_id = f"{ARTICLE}:{article.pk}"
        documents.append(
            Document(
                id=doc_id,
                text=markdown_to_text(article.body),
                title=article.title,
                product=codes[0] if codes else None,
                also_products=tuple(codes[1:]),
                kind=article.kind,
                language=article.language,
            )
        )
        entries[doc_id] = _Entry(
            kind=ARTICLE,
            pk=article.pk,
            title=article.title,
            product=codes[0] if codes else None,
            url=f"/knowledge/articles/{article.slug}/",
        )
    return documents, entries


def _current_version(organisation) -> int:
    from accounts.models import Organisation

    version = (
        Organisation.objects.filter(pk=organisation.pk)
        .values_list("content_version", flat=True)
        .first()
    )
    return version or 0


def get_index(organisation) -> tuple[SearchIndex, dict[str, _Entry]]:
    """The organisation's index, rebuilt when its content version has moved."""
    version = _current_version(organisation)
    cached = _cache.get(organisation.pk)
    if cached is not None and cached.version == version:
        return cached.index, cached.entries
    with _lock:
        # Another thread may have rebuilt while this one waited.
        cached = _cache.get(organisation.pk)
        if cached is None or cached.version != version:
            documents, entries = build_documents(organisation)
            cached = _CachedIndex(version=version, index=SearchIndex(documents), entries=entries)
            _cache[organisation.pk] = cached
    return cached.index, cached.entries


def clear_cache() -> None:
    """Forget every cached index (tests, or after a bulk change that skipped the version bump)."""
    with _lock:
        _cache.clear()


def search_knowledge(
    *,
    organisation,
    query: str,
    product: str | None = None,
    kind: str | None = None,
    limit: int = 10,
) -> list[SearchResult]:
    """Search an organisation's clause passages and articles.

    `product` is a product code; `kind` is "passage", "article", or an article kind
    ("knowledge", "talk_track"); an unknown kind finds nothing.
    """
    if not query or not query.strip() or limit <= 0:
        return []
    kinds = None
    if kind:
        kinds = _KIND_FILTER.get(kind)
        if kinds is None:
            return []
    index, entries = get_index(organisation)
    if not index.knows_terms_of(query):
        return []
    results: list[SearchResult] = []
    for hit in index.search(query, product=product, kinds=kinds, limit=limit):
        entry = entries[hit.id]
        results.append(
            SearchResult(
                kind=entry.kind,
                id=entry.pk,
                title=entry.title,
                product=product if product and entry.kind == ARTICLE else entry.product,
                snippet=hit.snippet,
                score=hit.score,
                url=entry.url,
            )
        )
    return results
