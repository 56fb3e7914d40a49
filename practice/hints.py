"""Real-time hints: knowledge passages and talk tracks for the customer's latest question or
objection, retrieved through the one knowledge search service."""

from __future__ import annotations

from knowledge.models import Article, ArticleKind
from practice.models import Conversation

# Words that name what the customer asked about, to sharpen the search query.
TOPIC_QUERY = {
    "waiting_period": {"zh": "等待期", "en": "waiting period"},
    "exclusions": {"zh": "责任免除 不赔", "en": "exclusions not covered"},
    "cooling_off": {"zh": "犹豫期 退保", "en": "cooling-off period cancel"},
    "surrender": {"zh": "退保 现金价值 损失", "en": "surrender cash value loss"},
    "guaranteed_return": {"zh": "收益 保证 分红 不确定", "en": "guaranteed return dividend"},
    "deductible": {"zh": "免赔额", "en": "deductible"},
    "renewal": {"zh": "续保", "en": "renewal"},
    "claims": {"zh": "理赔 流程", "en": "claims process"},
    "payout": {"zh": "领取 年金", "en": "annuity payout"},
    "coverage": {"zh": "保障责任 保险金", "en": "coverage benefits"},
    "occupation_class": {"zh": "职业类别", "en": "occupation class"},
    "price": {"zh": "保费 太贵", "en": "premium price"},
}

MAX_HINTS = 3


def _talk_tracks(conversation: Conversation, objection_type: str) -> list[dict]:
    tracks = Article.objects.filter(
        organisation_id=conversation.organisation_id,
        kind=ArticleKind.TALK_TRACK,
        language=conversation.language,
    ).only("slug", "title", "body", "objection_types")
    found = [a for a in tracks if objection_type in (a.objection_types or [])]
    product_code = conversation.product.code if conversation.product_id else None
    return [
        {
            "kind": "talk_track",
            "title": article.title,
            "snippet": _plain_snippet(article.body),
            "url": article.get_absolute_url(),
            "product": product_code,
        }
        for article in found[:2]
    ]


def _plain_snippet(markdown_text: str, width: int = 140) -> str:
    from django.utils.html import escape

    text = " ".join(
        line.strip("#>*- ").strip() for line in markdown_text.splitlines() if line.strip()
    )
    return escape(text[:width] + ("…" if len(text) > width else ""))


def hints_for_reply(*, conversation: Conversation, text: str, meta: dict) -> list[dict]:
    """Hints for the agent after the customer's reply ``text`` (with the engine's ``meta``)."""
    from knowledge.search.service import search_knowledge

    intent = meta.get("intent")
    if intent not in {"objection", "question", "pushback"} and not meta.get("topic"):
        return []
    hints: list[dict] = []
    if meta.get("objection_type"):
        hints.extend(_talk_tracks(conversation, meta["objection_type"]))
    lang = "en" if conversation.language == "en" else "zh"
    topic_words = TOPIC_QUERY.get(meta.get("topic") or "", {}).get(lang, "")
    query = f"{topic_words} {text}".strip()
    product_code = conversation.product.code if conversation.product_id else None
    seen = {hint["url"] for hint in hints}
    results = search_knowledge(
        organisation=conversation.organisation,
        query=query,
        product=product_code,
        limit=MAX_HINTS + 2,
    )
    if not results and product_code:
        results = search_knowledge(
            organisation=conversation.organisation, query=query, limit=MAX_HINTS
        )
    for result in results:
        if result.url in seen:
            continue
        seen.add(result.url)
        hints.append(
            {
                "kind": result.kind,
                "title": result.title,
                "snippet": result.snippet,
                "url": result.url,
                "product": result.product,
            }
        )
        if len(hints) >= MAX_HINTS:
            break
    return hints[:MAX_HINTS]
