"""Content bundles: import and export of products, rules, articles, cases, rubrics and scenarios
in the YAML/JSON format of ``docs/content-format.md``, and clause passages from JSONL.

Import is all or nothing: every file is parsed and every record validated (types, required
fields, vocabularies, references, annotation turns, rubric weights) before anything is written,
and the writes run in one transaction. Records are matched on their natural keys, so importing
the same bundle twice changes nothing. Export writes the canonical records, so
export → import into an empty organisation → export gives the identical bundle.

Rules: a bundle's rules with one of the twelve built-in codes refresh the built-in row's wording
(titles, basis, descriptions, examples) when the import is a system import (no actor: the seed,
the ``import_content`` command), and are left alone otherwise; their severity cannot change.
Other codes are the organisation's own rules. Export writes the organisation's own rules only.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from accounts.models import Organisation, User
from accounts.services import audit_record, content_version_bump
from cases import selectors as case_selectors
from cases import services as case_services
from knowledge import selectors, services
from knowledge.models import ClausePassage, Product
from knowledge.validation import KINDS, BundleError, Checker, Context, clean_bundle, clean_clause

WRITERS = {
    "products": lambda org, record, actor: services.product_write(organisation=org, record=record),
    "rules": lambda org, record, actor: services.rule_write(
        organisation=org, record=record, system=actor is None
    ),
    "articles": lambda org, record, actor: services.article_write(
        organisation=org, record=record, actor=actor
    ),
    "cases": lambda org, record, actor: case_services.case_write(
        organisation=org, record=record, actor=actor
    ),
    "rubrics": lambda org, record, actor: case_services.rubric_write(
        organisation=org, record=record
    ),
    "scenarios": lambda org, record, actor: case_services.scenario_write(
        organisation=org, record=record, actor=actor
    ),
}


def bundle_read(path: Path) -> Any:
    """Parse one YAML or JSON file; a syntax error names the file and the line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise BundleError([f"{path.name}: cannot be read ({exc.strerror})"]) from exc
    try:
        if path.suffix.lower() == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except json.JSONDecodeError as exc:
        raise BundleError([f"{path.name}, line {exc.lineno}: not valid JSON ({exc.msg})"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise BundleError(
            [f"{path.name}{line}: not valid YAML ({getattr(exc, 'problem', exc)})"]
        ) from exc


def bundle_merge(paths: list[Path]) -> tuple[dict, dict[str, list[str]]]:
    """One bundle from several files, with each record's origin for error messages."""
    merged: dict[str, list] = {}
    origins: dict[str, list[str]] = {}
    errors: list[str] = []
    for path in paths:
        data = bundle_read(path)
        if data is None:
            continue
        if not isinstance(data, dict):
            errors.append(
                f"{Path(path).name}: a bundle must be a mapping of kinds (products, rules, …)"
            )
            continue
        for kind, records in data.items():
            if not isinstance(records, list):
                merged.setdefault(kind, records)  # reported by the validator
                continue
            target = merged.setdefault(kind, [])
            if not isinstance(target, list):
                continue
            target.extend(records)
            origins.setdefault(kind, []).extend(
                f"{Path(path).name}: {kind}[{i}]" for i in range(len(records))
            )
    if errors:
        raise BundleError(errors)
    return merged, origins


def _with_origins(error: BundleError, kind_origins: dict[str, list[str]]) -> BundleError:
    """Rewrite ``cases[12] (…)`` into ``cases.yaml: cases[3] (…)``: the file and its own index."""
    out = []
    for message in error.errors:
        for kind, origins in kind_origins.items():
            prefix = f"{kind}["
            if message.startswith(prefix):
                index_text = message[len(prefix) : message.index("]")]
                if index_text.isdigit() and int(index_text) < len(origins):
                    message = origins[int(index_text)] + message[message.index("]") + 1 :]
                break
        out.append(message)
    return BundleError(out)


def _check_rules(cleaned: dict[str, list[dict]]) -> None:
    errors: list[str] = []
    for i, record in enumerate(cleaned.get("rules", [])):
        errors += services.rule_check_builtin(record, f"rules[{i}] (code={record['code']})")
    if errors:
        raise BundleError(errors)


def bundle_import(
    *,
    organisation: Organisation,
    paths: list[Path] | None = None,
    data: dict | None = None,
    actor: User | None = None,
) -> dict:
    """Validate, then import a bundle (files and/or data) in one transaction.

    Returns, per kind present, ``{"created", "updated", "unchanged"}`` counts. Raises
    ``BundleError`` naming every bad record and field; then nothing was written.
    """
    merged: dict = {}
    origins: dict[str, list[str]] = {}
    if paths:
        merged, origins = bundle_merge(list(paths))
    if data is not None:
        if not isinstance(data, dict):
            raise BundleError(["bundle: must be a mapping of kinds (products, rules, articles, …)"])
        for kind, records in data.items():
            if isinstance(records, list) and isinstance(merged.get(kind, []), list):
                merged.setdefault(kind, []).extend(records)
            else:
                merged[kind] = records
    try:
        cleaned = clean_bundle(merged, Context.for_organisation(organisation))
        _check_rules(cleaned)
    except BundleError as error:
        raise (_with_origins(error, origins) if origins else error) from None

    summary: dict[str, dict[str, int]] = {}
    with transaction.atomic():
        for kind in KINDS:
            if kind not in cleaned:
                continue
            counts = {"created": 0, "updated": 0, "unchanged": 0}
            for record in cleaned[kind]:
                _, status = WRITERS[kind](organisation, record, actor)
                counts[status] += 1
            summary[kind] = counts
        changed = sum(c["created"] + c["updated"] for c in summary.values())
        if changed:
            audit_record(
                organisation=organisation,
                actor=actor,
                action="content.imported",
                target=organisation,
                summary=", ".join(
                    f"{k}: {v['created']}+{v['updated']}" for k, v in summary.items()
                ),
                after=summary,
            )
            content_version_bump(organisation=organisation)
    return summary


def bundle_export(*, organisation: Organisation, kinds: list[str] | None = None) -> dict:
    """The organisation's content as a bundle (canonical records, sorted by natural key)."""
    kinds = list(kinds or KINDS)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise BundleError(
            [f"{k}: unknown kind (expected one of {', '.join(KINDS)})" for k in unknown]
        )
    readers = {
        "products": selectors.products_for_export,
        "rules": selectors.rules_for_export,
        "articles": selectors.articles_for_export,
        "cases": case_selectors.cases_for_export,
        "rubrics": case_selectors.rubrics_for_export,
        "scenarios": case_selectors.scenarios_for_export,
    }
    return {kind: readers[kind](organisation=organisation) for kind in KINDS if kind in kinds}


def bundle_dump(bundle: dict, *, fmt: str = "yaml") -> str:
    if fmt == "json":
        return json.dumps(bundle, ensure_ascii=False, indent=2) + "\n"
    return yaml.safe_dump(bundle, allow_unicode=True, sort_keys=False, width=100)


# --- Clause passages from JSONL -----------------------------------------------------------
def clauses_import_jsonl(
    *, organisation: Organisation, path: Path, product_code: str | None = None
) -> dict:
    """Add clause passages, one JSON object a line: ``{"product", "ref", "title", "language",
    "text"}``. ``product_code`` fills in lines without a product. Passages already present
    (same product, language, ref, title and text) are skipped. All or nothing."""
    products = {p.code: p for p in Product.objects.filter(organisation=organisation)}
    errors: list[str] = []
    rows: list[tuple[str, dict]] = []
    name = Path(path).name
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            where = f"{name} line {number}"
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"{where}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(raw, dict):
                errors.append(f"{where}: must be a JSON object")
                continue
            code = raw.get("product") or product_code
            if not code:
                errors.append(f"{where}.product: is required (or give --product)")
            elif code not in products:
                errors.append(f"{where}.product: {code!r} is not a known product code")
            clause = clean_clause(Checker(where, errors), raw, "")
            rows.append((code, clause))
    if errors:
        raise BundleError(errors)

    existing = {
        (c.product_id, c.language, c.ref, c.title, c.text)
        for c in ClausePassage.objects.filter(organisation=organisation)
    }
    next_order: dict[int, int] = {}
    new = []
    for code, clause in rows:
        product = products[code]
        key = (product.pk, clause["language"], clause["ref"], clause["title"], clause["text"])
        if key in existing:
            continue
        existing.add(key)
        if product.pk not in next_order:
            last = product.clauses.order_by("-order").values_list("order", flat=True).first()
            next_order[product.pk] = (last + 1) if last is not None else 0
        new.append(
            ClausePassage(
                organisation=organisation, product=product, order=next_order[product.pk], **clause
            )
        )
        next_order[product.pk] += 1
    with transaction.atomic():
        ClausePassage.objects.bulk_create(new, batch_size=500)
        if new:
            content_version_bump(organisation=organisation)
    return {"created": len(new), "unchanged": len(rows) - len(new)}
