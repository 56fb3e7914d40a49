"""Writes of the knowledge base: products with their clause passages, articles, compliance rules.

Two layers. ``*_write`` functions take a record already cleaned by ``knowledge.validation`` and
store it, answering ``created``, ``updated`` or ``unchanged``; the bundle importer calls them
inside its one transaction. ``*_save`` functions are what views and APIs call: they validate
the raw data, write, audit and bump the organisation's content version (the search index
rebuilds on that).

Built-in compliance rules (organisation empty) are read-only for organisations: trainers add
their own rules. Only a system import (no actor: the seed and the ``import_content`` command)
may refresh the built-in rows' wording, and never their severity.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services import audit_record, content_version_bump
from config.errors import DomainError
from knowledge import selectors
from knowledge.models import Article, ClausePassage, ComplianceRule, Product, Skill
from knowledge.validation import BundleError, Context, clean_record
from knowledge.vocabulary import RULE_CODES, RULE_SEVERITY

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"
RULE_TEXT_FIELDS = (
    "title_zh",
    "title_en",
    "basis",
    "description_zh",
    "description_en",
    "violating_examples",
    "compliant_examples",
)


def _assign(obj: Any, record: dict, fields: list[str] | tuple[str, ...]) -> None:
    for name in fields:
        setattr(obj, name, record[name])


# --- Products -----------------------------------------------------------------------------
PRODUCT_FIELDS = [
    "type",
    "name_zh",
    "name_en",
    "summary_zh",
    "summary_en",
    "coverage_zh",
    "coverage_en",
    "exclusions_zh",
    "exclusions_en",
    "selling_points_zh",
    "selling_points_en",
    "target_customers_zh",
    "target_customers_en",
    "waiting_period_days",
    "cooling_off_days",
    "premium_examples",
]


def clauses_replace(*, product: Product, clauses: list[dict]) -> bool:
    """Make the product's passages exactly ``clauses``; untouched when they already are (so
    passage ids and their ``#clause-<id>`` anchors stay stable)."""
    current = [selectors.clause_record(c) for c in product.clauses.order_by("order", "id")]
    if current == clauses:
        return False
    product.clauses.all().delete()
    ClausePassage.objects.bulk_create(
        ClausePassage(organisation_id=product.organisation_id, product=product, order=i, **clause)
        for i, clause in enumerate(clauses)
    )
    return True


def product_write(*, organisation: Organisation, record: dict) -> tuple[Product, str]:
    product = Product.objects.filter(organisation=organisation, code=record["code"]).first()
    if product is None:
        product = Product(organisation=organisation, code=record["code"])
        _assign(product, record, PRODUCT_FIELDS)
        product.save()
        clauses_replace(product=product, clauses=record.get("clauses") or [])
        return product, CREATED
    fields_changed = selectors.product_record(product) != {
        k: v for k, v in record.items() if k != "clauses"
    }
    if fields_changed:
        _assign(product, record, PRODUCT_FIELDS)
        product.save()
    clauses_changed = "clauses" in record and clauses_replace(
        product=product, clauses=record["clauses"]
    )
    return product, UPDATED if fields_changed or clauses_changed else UNCHANGED


@transaction.atomic
def product_save(
    *,
    organisation: Organisation,
    data: dict,
    actor: User | None = None,
    product: Product | None = None,
) -> Product:
    """Create a product, or update ``product`` (its code stays: bundles and links refer to it)."""
    if product is not None:
        data = {**data, "code": product.code}
    elif Product.objects.filter(organisation=organisation, code=data.get("code")).exists():
        raise BundleError(
            [f"product.code: {data.get('code')!r} is already used by another product"]
        )
    record = clean_record("products", data, Context.for_organisation(organisation))
    saved, status = product_write(organisation=organisation, record=record)
    if status != UNCHANGED:
        audit_record(
            organisation=organisation,
            actor=actor,
            action=f"product.{status}",
            target=saved,
            summary=saved.code,
        )
        content_version_bump(organisation=organisation)
    return saved


# --- Articles -----------------------------------------------------------------------------
ARTICLE_FIELDS = ["kind", "language", "title", "body", "objection_types"]


def article_write(
    *, organisation: Organisation, record: dict, actor: User | None = None
) -> tuple[Article, str]:
    article = (
        Article.objects.filter(organisation=organisation, slug=record["slug"])
        .prefetch_related("products", "skills")
        .first()
    )
    if article is not None and selectors.article_record(article) == record:
        return article, UNCHANGED
    status = UPDATED if article else CREATED
    if article is None:
        article = Article(organisation=organisation, slug=record["slug"], created_by=actor)
    _assign(article, record, ARTICLE_FIELDS)
    article.save()
    article.products.set(
        Product.objects.filter(organisation=organisation, code__in=record["products"])
    )
    article.skills.set(Skill.objects.filter(code__in=record["skills"]))
    return article, status


@transaction.atomic
def article_save(
    *,
    organisation: Organisation,
    data: dict,
    actor: User | None = None,
    article: Article | None = None,
) -> Article:
    if article is not None:
        data = {**data, "slug": article.slug}
    elif Article.objects.filter(organisation=organisation, slug=data.get("slug")).exists():
        raise BundleError(
            [f"article.slug: {data.get('slug')!r} is already used by another article"]
        )
    record = clean_record("articles", data, Context.for_organisation(organisation))
    saved, status = article_write(organisation=organisation, record=record, actor=actor)
    if status != UNCHANGED:
        audit_record(
            organisation=organisation,
            actor=actor,
            action=f"article.{status}",
            target=saved,
            summary=saved.title,
        )
        content_version_bump(organisation=organisation)
    return saved


# --- Compliance rules ---------------------------------------------------------------------
def rule_check_builtin(record: dict, where: str) -> list[str]:
    """A bundle record for a built-in code may refresh the wording, never the severity."""
    code = record["code"]
    if code in RULE_SEVERITY and record["severity"] != RULE_SEVERITY[code]:
        return [
            f"{where}.severity: the built-in rule {code} is {RULE_SEVERITY[code]}; it cannot change"
        ]
    return []


def rule_write(
    *, organisation: Organisation | None, record: dict, system: bool = False
) -> tuple[ComplianceRule, str]:
    """Store an organisation rule; a built-in code refreshes the built-in row's wording when
    ``system`` (seed, command line) and is left alone otherwise."""
    if record["code"] in RULE_CODES:
        rule = ComplianceRule.objects.filter(organisation__isnull=True, code=record["code"]).first()
        if rule is None:
            # The data migration writes the built-in rows; a flushed database may lack them.
            rule = ComplianceRule(
                organisation=None, code=record["code"], severity=RULE_SEVERITY[record["code"]]
            )
        elif not system or selectors.rule_record(rule) == record:
            return rule, UNCHANGED
        created = rule.pk is None
        _assign(rule, record, RULE_TEXT_FIELDS)
        rule.save()
        return rule, CREATED if created else UPDATED
    rule = ComplianceRule.objects.filter(organisation=organisation, code=record["code"]).first()
    if rule is not None and selectors.rule_record(rule) == record:
        return rule, UNCHANGED
    status = UPDATED if rule else CREATED
    if rule is None:
        rule = ComplianceRule(organisation=organisation, code=record["code"])
    _assign(rule, record, ("severity", *RULE_TEXT_FIELDS))
    rule.save()
    return rule, status


@transaction.atomic
def rule_save(
    *,
    organisation: Organisation,
    data: dict,
    actor: User | None,
    rule: ComplianceRule | None = None,
) -> ComplianceRule:
    """Create or edit one of the organisation's own rules (audited)."""
    if rule is not None:
        if rule.is_builtin or rule.organisation_id != organisation.pk:
            raise DomainError("Built-in rules are read-only.", code="read_only")
        data = {**data, "code": rule.code}
    else:
        code = data.get("code")
        if code in RULE_CODES:
            raise BundleError(
                ["rule.code: " + _("“%(value)s” is a built-in rule code") % {"value": code}]
            )
        if ComplianceRule.objects.filter(organisation=organisation, code=code).exists():
            raise BundleError(
                ["rule.code: " + _("“%(value)s” is already used by another rule") % {"value": code}]
            )
    record = clean_record("rules", data, Context.for_organisation(organisation))
    before = selectors.rule_record(rule) if rule is not None else None
    saved, status = rule_write(organisation=organisation, record=record)
    if status != UNCHANGED:
        audit_record(
            organisation=organisation,
            actor=actor,
            action=f"rule.{status}",
            target=saved,
            summary=saved.code,
            before=before,
            after=record,
        )
        content_version_bump(organisation=organisation)
    return saved
