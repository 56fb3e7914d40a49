"""Reads of the knowledge base: products, clause passages, articles and compliance rules.

Every query is scoped to the caller's organisation (``accounts.selectors``); list selectors
prefetch what their pages show so a page costs the same number of queries at any size. The
``*_record`` functions give an object as its canonical bundle record (``knowledge.validation``),
used by the exporter and to tell whether an import would change anything.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from accounts.models import Organisation, User
from accounts.selectors import org_or_builtin, scope, scoped_get
from knowledge.localized import active_language
from knowledge.models import Article, ClausePassage, ComplianceRule, Product, Skill
from knowledge.validation import PRODUCT_LISTS


def with_json_value(queryset: QuerySet, field: str, value: str) -> QuerySet:
    """Rows whose JSON list ``field`` holds ``value``.

    SQLite has no JSON ``contains`` lookup, so the ids are picked in Python (one query,
    whatever the size) and the database backends behave the same.
    """
    ids = [pk for pk, values in queryset.values_list("pk", field) if value in (values or [])]
    return queryset.filter(pk__in=ids)


# --- Products -----------------------------------------------------------------------------
def product_list(*, user: User) -> QuerySet[Product]:
    return scope(Product.objects.filter(is_active=True), user).order_by("type", "code")


def product_get(*, user: User, code: str) -> Product:
    return scoped_get(Product.objects.all(), user, code=code)


def product_clauses(*, product: Product) -> list[ClausePassage]:
    """Clause passages, the UI language first (the other language follows, for reference)."""
    first = active_language()
    clauses = list(product.clauses.all())
    return sorted(clauses, key=lambda c: (c.language != first, c.order, c.pk))


# --- Articles -----------------------------------------------------------------------------
def article_list(
    *,
    user: User,
    kind: str = "",
    language: str = "",
    skill: str = "",
    objection_type: str = "",
    product: str = "",
) -> QuerySet[Article]:
    articles = scope(Article.objects.all(), user).prefetch_related(
        Prefetch("products", queryset=Product.objects.only("id", "code", "name_zh", "name_en")),
        Prefetch("skills", queryset=Skill.objects.all()),
    )
    if kind:
        articles = articles.filter(kind=kind)
    if language:
        articles = articles.filter(language=language)
    if skill:
        articles = articles.filter(skills__code=skill)
    if product:
        articles = articles.filter(products__code=product)
    if objection_type:
        articles = with_json_value(articles, "objection_types", objection_type)
    return articles.distinct().order_by("kind", "title", "id")


def article_get(*, user: User, slug: str) -> Article:
    queryset = Article.objects.prefetch_related("products", "skills")
    return scoped_get(queryset, user, slug=slug)


# --- Rules --------------------------------------------------------------------------------
def rule_list(*, user: User) -> QuerySet[ComplianceRule]:
    """The built-in catalogue plus the organisation's own rules; serious rules first."""
    return org_or_builtin(ComplianceRule.objects.filter(is_active=True), user).order_by(
        "-severity", "organisation_id", "code"
    )


def rule_get_for_edit(*, user: User, code: str) -> ComplianceRule:
    """An organisation rule (built-in rules are read-only, so they are not found here)."""
    return scoped_get(ComplianceRule.objects.all(), user, code=code)


def rule_codes(*, organisation: Organisation | None) -> set[str]:
    rules = ComplianceRule.objects.filter(organisation__isnull=True)
    if organisation is not None:
        rules = ComplianceRule.objects.filter(organisation=organisation) | rules
    return set(rules.values_list("code", flat=True))


def rule_for_code(*, organisation: Organisation, code: str) -> ComplianceRule | None:
    """The organisation's rule of that code, else the built-in one."""
    rules = ComplianceRule.objects.filter(code=code)
    return (
        rules.filter(organisation=organisation).first()
        or rules.filter(organisation__isnull=True).first()
    )


# --- Canonical records (bundle format) ----------------------------------------------------
def product_record(product: Product, *, clauses: Iterable[ClausePassage] | None = None) -> dict:
    record: dict = {
        "code": product.code,
        "type": product.type,
        "name_zh": product.name_zh,
        "name_en": product.name_en,
        "summary_zh": product.summary_zh,
        "summary_en": product.summary_en,
    }
    for base in PRODUCT_LISTS:
        record[f"{base}_zh"] = list(getattr(product, f"{base}_zh") or [])
        record[f"{base}_en"] = list(getattr(product, f"{base}_en") or [])
    record["waiting_period_days"] = product.waiting_period_days
    record["cooling_off_days"] = product.cooling_off_days
    record["premium_examples"] = [dict(e) for e in product.premium_examples or []]
    if clauses is not None:
        record["clauses"] = [clause_record(c) for c in clauses]
    return record


def clause_record(clause: ClausePassage) -> dict:
    return {
        "ref": clause.ref,
        "title": clause.title,
        "language": clause.language,
        "text": clause.text,
    }


def article_record(article: Article) -> dict:
    return {
        "slug": article.slug,
        "kind": article.kind,
        "language": article.language,
        "title": article.title,
        "body": article.body,
        "products": sorted(p.code for p in article.products.all()),
        "skills": [s.code for s in sorted(article.skills.all(), key=lambda s: (s.order, s.code))],
        "objection_types": list(article.objection_types or []),
    }


def rule_record(rule: ComplianceRule) -> dict:
    return {
        "code": rule.code,
        "severity": rule.severity,
        "title_zh": rule.title_zh,
        "title_en": rule.title_en,
        "basis": rule.basis,
        "description_zh": rule.description_zh,
        "description_en": rule.description_en,
        "violating_examples": list(rule.violating_examples or []),
        "compliant_examples": list(rule.compliant_examples or []),
    }


def products_for_export(*, organisation: Organisation) -> list[dict]:
    products = Product.objects.filter(organisation=organisation).prefetch_related(
        Prefetch("clauses", queryset=ClausePassage.objects.order_by("order", "id"))
    )
    return [product_record(p, clauses=p.clauses.all()) for p in products.order_by("code")]


def articles_for_export(*, organisation: Organisation) -> list[dict]:
    articles = Article.objects.filter(organisation=organisation).prefetch_related(
        "products", "skills"
    )
    return [article_record(a) for a in articles.order_by("slug")]


def rules_for_export(*, organisation: Organisation) -> list[dict]:
    return [
        rule_record(r)
        for r in ComplianceRule.objects.filter(organisation=organisation).order_by("code")
    ]
