"""Validation of content records in the bundle format of ``docs/content-format.md``.

One validator serves the bundle importer, the trainer forms and the services, so a record is
checked the same way wherever it comes from. Each ``clean_*`` function takes a raw record (parsed
YAML/JSON or form data) and returns the canonical record: every field present, in a fixed order,
with defaults filled in. The exporter produces the same canonical records from the database, which
is what makes export → import → export give identical bundles.

Errors name the record and the field, e.g.
``cases[3] (slug=case-x).annotations[2].turn: 17 is not a turn of this case (0-13)``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from config.errors import DomainError
from knowledge.models import ArticleKind, ObjectionType, ProductType, Severity
from knowledge.vocabulary import (
    CHECKPOINT_CODES,
    PERSONA_TOPICS,
    RESOLUTION_MOVES,
    RULE_CODES,
    SKILL_CODES,
)

LANGUAGES = ("zh", "en")
OUTCOMES = ("won", "lost", "follow_up")
DIFFICULTIES = ("easy", "medium", "hard")
TEMPERAMENTS = ("friendly", "cautious", "impatient", "skeptical", "analytical")
PRODUCT_TYPES = tuple(ProductType.values)
OBJECTION_TYPES = tuple(ObjectionType.values)
ARTICLE_KINDS = tuple(ArticleKind.values)
SEVERITIES = tuple(Severity.values)
SPEAKERS = ("agent", "customer")
ANNOTATION_KINDS = ("good", "problem")

KINDS = ("products", "rules", "articles", "cases", "rubrics", "scenarios")
PRODUCT_LISTS = ("coverage", "exclusions", "selling_points", "target_customers")

# The kinds of code named in "… is not a known …" messages.
_WHAT = {
    "product code": gettext_lazy("product code"),
    "skill": gettext_lazy("skill"),
    "objection type": gettext_lazy("objection type"),
    "resolution move": gettext_lazy("resolution move"),
    "checkpoint": gettext_lazy("checkpoint"),
    "rule": gettext_lazy("compliance rule"),
    "case slug": gettext_lazy("case slug"),
}

_CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_MISSING = object()


class BundleError(DomainError):
    """A bundle (or a record from a form) that cannot be imported; nothing was written.

    ``errors`` lists every problem found; the message is the first ones joined.
    """

    code = "invalid_bundle"

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        shown = self.errors[:10]
        more = len(self.errors) - len(shown)
        message = "\n".join(shown) + (f"\n… and {more} more" if more > 0 else "")
        super().__init__(message)


@dataclass
class Context:
    """What references may point at: the organisation's content plus the bundle's own records."""

    products: set[str] = field(default_factory=set)
    rules: set[str] = field(default_factory=set)
    cases: set[str] = field(default_factory=set)
    rubrics: set[str] = field(default_factory=set)

    @classmethod
    def for_organisation(cls, organisation) -> Context:
        from cases.models import Case, Rubric
        from knowledge.models import ComplianceRule, Product

        if organisation is None:
            return cls(rules=set(RULE_CODES))
        return cls(
            products=set(
                Product.objects.filter(organisation=organisation).values_list("code", flat=True)
            ),
            rules=set(RULE_CODES)
            | set(
                ComplianceRule.objects.filter(organisation=organisation).values_list(
                    "code", flat=True
                )
            ),
            cases=set(
                Case.objects.filter(organisation=organisation).values_list("slug", flat=True)
            ),
            rubrics=set(
                Rubric.objects.filter(organisation=organisation).values_list("code", flat=True)
            ),
        )


class Checker:
    """Collects errors while reading one record; ``where`` names the record in messages."""

    def __init__(self, where: str, errors: list[str]):
        self.where = where
        self.errors = errors

    def error(self, path: str, message: str) -> None:
        self.errors.append(
            f"{self.where}.{path}: {message}" if path else f"{self.where}: {message}"
        )

    def get(self, record: dict, key: str, default: Any = _MISSING) -> Any:
        value = record.get(key, _MISSING)
        if value is _MISSING or value is None:
            return default
        return value

    def text(
        self,
        record: dict,
        key: str,
        *,
        path: str = "",
        required: bool = False,
        max_length: int | None = None,
    ) -> str:
        name = f"{path}{key}"
        value = self.get(record, key)
        if value is _MISSING:
            if required:
                self.error(name, _("is required"))
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            self.error(name, _("must be text, not %(type)s") % {"type": type(value).__name__})
            return ""
        value = str(value).strip()
        if required and not value:
            self.error(name, _("must not be empty"))
        if max_length and len(value) > max_length:
            self.error(name, _("is longer than %(max)s characters") % {"max": max_length})
        return value

    def code(self, record: dict, key: str, *, path: str = "", max_length: int = 64) -> str:
        value = self.text(record, key, path=path, required=True, max_length=max_length)
        if value and not _CODE_RE.match(value):
            self.error(
                f"{path}{key}",
                _("“%(value)s” may only contain lowercase letters, digits, “-” and “_”")
                % {"value": value},
            )
        return value

    def choice(
        self,
        record: dict,
        key: str,
        choices: Iterable[str],
        *,
        path: str = "",
        default: str | None = None,
    ) -> str:
        choices = tuple(choices)
        value = self.get(record, key)
        if value is _MISSING:
            if default is None:
                self.error(f"{path}{key}", _("is required"))
                return ""
            return default
        if value not in choices:
            self.error(
                f"{path}{key}",
                _("“%(value)s” is not one of %(choices)s")
                % {"value": value, "choices": ", ".join(choices)},
            )
            return default or ""
        return value

    def integer(
        self,
        record: dict,
        key: str,
        *,
        path: str = "",
        default: int | None = None,
        minimum: int | None = None,
        maximum: int | None = None,
    ) -> int:
        value = self.get(record, key)
        if value is _MISSING:
            if default is None:
                self.error(f"{path}{key}", _("is required"))
                return 0
            return default
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(f"{path}{key}", _("“%(value)s” must be a whole number") % {"value": value})
            return default or 0
        if minimum is not None and value < minimum:
            self.error(
                f"{path}{key}",
                _("%(value)s is below %(minimum)s") % {"value": value, "minimum": minimum},
            )
        if maximum is not None and value > maximum:
            self.error(
                f"{path}{key}",
                _("%(value)s is above %(maximum)s") % {"value": value, "maximum": maximum},
            )
        return value

    def lines(self, record: dict, key: str, *, path: str = "") -> list[str]:
        value = self.get(record, key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(f"{path}{key}", _("must be a list of text lines"))
            return []
        out = []
        for i, item in enumerate(value):
            if isinstance(item, bool) or not isinstance(item, str | int | float):
                self.error(f"{path}{key}[{i}]", _("must be text"))
                continue
            text = str(item).strip()
            if text:
                out.append(text)
        return out

    def codes(
        self, record: dict, key: str, vocabulary: Iterable[str], *, path: str = "", what: str
    ) -> list[str]:
        allowed = set(vocabulary)
        value = self.get(record, key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            self.error(f"{path}{key}", _("must be a list of codes"))
            return []
        out: list[str] = []
        for i, item in enumerate(value):
            if item not in allowed:
                self.error(
                    f"{path}{key}[{i}]",
                    _("“%(value)s” is not a known %(what)s")
                    % {"value": item, "what": _WHAT.get(what, what)},
                )
            elif item not in out:
                out.append(item)
        return out

    def mapping(self, record: dict, key: str, *, path: str = "", required: bool = False) -> dict:
        value = self.get(record, key)
        if value is _MISSING:
            if required:
                self.error(f"{path}{key}", _("is required"))
            return {}
        if not isinstance(value, dict):
            self.error(f"{path}{key}", _("must be a mapping"))
            return {}
        return value

    def records(self, record: dict, key: str, *, path: str = "") -> list[dict]:
        value = self.get(record, key, [])
        if not isinstance(value, list):
            self.error(f"{path}{key}", _("must be a list"))
            return []
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                self.error(f"{path}{key}[{i}]", _("must be a mapping"))
                continue
            out.append(item)
        return out


def _describe(kind: str, index: int, record: Any, key: str) -> str:
    natural = record.get(key) if isinstance(record, dict) else None
    return f"{kind}[{index}] ({key}={natural})" if natural else f"{kind}[{index}]"


def skill_order(codes: list[str]) -> list[str]:
    """Skills in the order of the vocabulary, so equal sets compare (and export) equal."""
    return sorted(codes, key=SKILL_CODES.index)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


# --- Records ------------------------------------------------------------------------------
def clean_clause(c: Checker, raw: dict, path: str) -> dict:
    return {
        "ref": c.text(raw, "ref", path=path, max_length=32),
        "title": c.text(raw, "title", path=path, max_length=200),
        "language": c.choice(raw, "language", LANGUAGES, path=path, default="zh"),
        "text": c.text(raw, "text", path=path, required=True),
    }


def clean_product(c: Checker, raw: dict, ctx: Context | None = None) -> dict:
    record: dict[str, Any] = {
        "code": c.code(raw, "code"),
        "type": c.choice(raw, "type", PRODUCT_TYPES),
        "name_zh": c.text(raw, "name_zh", max_length=120),
        "name_en": c.text(raw, "name_en", max_length=160),
        "summary_zh": c.text(raw, "summary_zh"),
        "summary_en": c.text(raw, "summary_en"),
    }
    if not record["name_zh"] and not record["name_en"]:
        c.error("name_zh", _("a name is required (name_zh or name_en)"))
    for base in PRODUCT_LISTS:
        record[f"{base}_zh"] = c.lines(raw, f"{base}_zh")
        record[f"{base}_en"] = c.lines(raw, f"{base}_en")
    record["waiting_period_days"] = c.integer(
        raw, "waiting_period_days", default=0, minimum=0, maximum=3650
    )
    record["cooling_off_days"] = c.integer(
        raw, "cooling_off_days", default=15, minimum=0, maximum=365
    )
    examples = []
    for i, example in enumerate(c.records(raw, "premium_examples")):
        path = f"premium_examples[{i}]."
        if not _number(example.get("annual_premium")) or example["annual_premium"] < 0:
            c.error(f"{path}annual_premium", _("must be a number of at least 0"))
        for key in ("age", "sum_assured"):
            if key in example and example[key] is not None and not _number(example[key]):
                c.error(f"{path}{key}", _("“%(value)s” must be a number") % {"value": example[key]})
        if example.get("sex") not in (None, "male", "female"):
            c.error(
                f"{path}sex",
                _("“%(value)s” is not one of %(choices)s")
                % {"value": example["sex"], "choices": "male, female"},
            )
        examples.append(dict(example))
    record["premium_examples"] = examples
    if raw.get("clauses") is not None:
        record["clauses"] = [
            clean_clause(c, clause, f"clauses[{i}].")
            for i, clause in enumerate(c.records(raw, "clauses"))
        ]
    return record


def clean_article(c: Checker, raw: dict, ctx: Context) -> dict:
    record = {
        "slug": c.code(raw, "slug", max_length=120),
        "kind": c.choice(raw, "kind", ARTICLE_KINDS, default="knowledge"),
        "language": c.choice(raw, "language", LANGUAGES, default="zh"),
        "title": c.text(raw, "title", required=True, max_length=200),
        "body": c.text(raw, "body", required=True),
        "products": sorted(c.codes(raw, "products", ctx.products, what="product code")),
        "skills": skill_order(c.codes(raw, "skills", SKILL_CODES, what="skill")),
        "objection_types": c.codes(raw, "objection_types", OBJECTION_TYPES, what="objection type"),
    }
    return record


def clean_rule(c: Checker, raw: dict, ctx: Context | None = None) -> dict:
    return {
        "code": c.code(raw, "code"),
        "severity": c.choice(raw, "severity", SEVERITIES),
        "title_zh": c.text(raw, "title_zh", required=True, max_length=120),
        "title_en": c.text(raw, "title_en", required=True, max_length=160),
        "basis": c.text(raw, "basis", max_length=300),
        "description_zh": c.text(raw, "description_zh"),
        "description_en": c.text(raw, "description_en"),
        "violating_examples": c.lines(raw, "violating_examples"),
        "compliant_examples": c.lines(raw, "compliant_examples"),
    }


def clean_turns(c: Checker, raw: dict, key: str = "turns") -> list[dict]:
    turns = []
    for i, turn in enumerate(c.records(raw, key)):
        path = f"{key}[{i}]."
        turns.append(
            {
                "speaker": c.choice(turn, "speaker", SPEAKERS, path=path),
                "text": c.text(turn, "text", path=path, required=True),
            }
        )
    if not turns:
        c.error(key, _("a case needs at least one turn"))
    return turns


def clean_annotation(c: Checker, raw: dict, path: str, n_turns: int, ctx: Context) -> dict:
    turn = c.integer(raw, "turn", path=path, minimum=0)
    if (
        isinstance(raw.get("turn"), int)
        and not isinstance(raw.get("turn"), bool)
        and turn >= n_turns
    ):
        last = max(n_turns - 1, 0)
        c.error(
            f"{path}turn",
            _("%(turn)s is not a turn of this case (0-%(last)s)") % {"turn": turn, "last": last},
        )
    skill = raw.get("skill") or None
    if skill is not None and skill not in SKILL_CODES:
        c.error(
            f"{path}skill",
            _("“%(value)s” is not a known %(what)s") % {"value": skill, "what": _WHAT["skill"]},
        )
    rule = raw.get("rule") or None
    if rule is not None and rule not in ctx.rules:
        c.error(
            f"{path}rule",
            _("“%(value)s” is not a known %(what)s") % {"value": rule, "what": _WHAT["rule"]},
        )
    return {
        "turn": turn,
        "kind": c.choice(raw, "kind", ANNOTATION_KINDS, path=path),
        "comment": c.text(raw, "comment", path=path, required=True),
        "skill": skill,
        "rule": rule,
    }


def clean_case(c: Checker, raw: dict, ctx: Context) -> dict:
    product = raw.get("product") or None
    if product is not None and product not in ctx.products:
        c.error(
            "product",
            _("“%(value)s” is not a known %(what)s")
            % {"value": product, "what": _WHAT["product code"]},
        )
    record = {
        "slug": c.code(raw, "slug", max_length=120),
        "language": c.choice(raw, "language", LANGUAGES, default="zh"),
        "title": c.text(raw, "title", required=True, max_length=200),
        "summary": c.text(raw, "summary"),
        "product": product,
        "outcome": c.choice(raw, "outcome", OUTCOMES),
        "source": c.text(raw, "source", max_length=200),
        "skills": skill_order(c.codes(raw, "skills", SKILL_CODES, what="skill")),
        "objection_types": c.codes(raw, "objection_types", OBJECTION_TYPES, what="objection type"),
        "turns": clean_turns(c, raw),
    }
    record["annotations"] = [
        clean_annotation(c, a, f"annotations[{i}].", len(record["turns"]), ctx)
        for i, a in enumerate(c.records(raw, "annotations"))
    ]
    return record


def clean_criteria(c: Checker, raw: dict, path: str = "") -> list[dict]:
    criteria = []
    seen: set[str] = set()
    items = c.records(raw, "criteria", path=path)
    for i, item in enumerate(items):
        p = f"{path}criteria[{i}]."
        criterion = {
            "code": c.code(item, "code", path=p),
            "skill": c.choice(item, "skill", SKILL_CODES, path=p),
            "title_zh": c.text(item, "title_zh", path=p, max_length=200),
            "title_en": c.text(item, "title_en", path=p, max_length=200),
            "weight": c.integer(item, "weight", path=p, minimum=1, maximum=100),
            "max_score": c.integer(item, "max_score", path=p, default=5, minimum=1, maximum=100),
            "checks_zh": c.lines(item, "checks_zh", path=p),
            "checks_en": c.lines(item, "checks_en", path=p),
        }
        if not criterion["title_zh"] and not criterion["title_en"]:
            c.error(f"{p}title_zh", _("a title is required (title_zh or title_en)"))
        if criterion["code"] in seen:
            c.error(
                f"{p}code",
                _("“%(value)s” appears twice in this rubric") % {"value": criterion["code"]},
            )
        seen.add(criterion["code"])
        criteria.append(criterion)
    if not items:
        c.error(f"{path}criteria", _("a rubric needs at least one criterion"))
    else:
        total = sum(
            item.get("weight")
            for item in items
            if isinstance(item.get("weight"), int) and not isinstance(item.get("weight"), bool)
        )
        if total != 100:
            c.error(f"{path}criteria", _("weights add up to %(total)s, not 100") % {"total": total})
    return criteria


def clean_rubric(c: Checker, raw: dict, ctx: Context | None = None) -> dict:
    return {
        "code": c.code(raw, "code"),
        "title": c.text(raw, "title", max_length=200),
        "criteria": clean_criteria(c, raw),
    }


def clean_items(c: Checker, persona: dict, key: str, path: str) -> list[dict]:
    items = []
    seen: set[str] = set()
    for i, raw in enumerate(c.records(persona, key, path=path)):
        p = f"{path}{key}[{i}]."
        item = {
            "code": c.code(raw, "code", path=p),
            "topic": c.choice(raw, "topic", PERSONA_TOPICS, path=p),
            "text": c.text(raw, "text", path=p, required=True),
        }
        if item["code"] in seen:
            c.error(f"{p}code", _("“%(value)s” appears twice") % {"value": item["code"]})
        seen.add(item["code"])
        items.append(item)
    return items


def clean_trigger(c: Checker, raw: dict, path: str) -> dict:
    trigger = c.mapping(raw, "trigger", path=path)
    p = f"{path}trigger"
    if not trigger:
        return {}
    if "after_turn" in trigger:
        return {"after_turn": c.integer(trigger, "after_turn", path=f"{p}.", minimum=0)}
    if "topic" in trigger:
        return {"topic": c.choice(trigger, "topic", PERSONA_TOPICS, path=f"{p}.")}
    if "on_close" in trigger:
        if trigger["on_close"] is not True:
            c.error(f"{p}.on_close", _("must be true"))
        return {"on_close": True}
    c.error(p, _("must be {after_turn: N}, {topic: T} or {on_close: true}"))
    return {}


def clean_persona(c: Checker, raw: dict, path: str = "persona.") -> dict:
    persona: dict[str, Any] = {
        "name": c.text(raw, "name", path=path, required=True, max_length=60),
        "public_profile": c.text(raw, "public_profile", path=path, required=True),
        "temperament": c.choice(raw, "temperament", TEMPERAMENTS, path=path, default="cautious"),
        "initial_trust": c.integer(
            raw, "initial_trust", path=path, default=40, minimum=0, maximum=100
        ),
        "buy_threshold": c.integer(
            raw, "buy_threshold", path=path, default=70, minimum=0, maximum=100
        ),
        "patience": c.integer(raw, "patience", path=path, default=8, minimum=1, maximum=100),
        "opening_line": c.text(raw, "opening_line", path=path),
        "hidden_facts": clean_items(c, raw, "hidden_facts", path),
        "needs": clean_items(c, raw, "needs", path),
    }
    objections = []
    seen: set[str] = set()
    for i, item in enumerate(c.records(raw, "objections", path=path)):
        p = f"{path}objections[{i}]."
        objection = {
            "code": c.code(item, "code", path=p),
            "type": c.choice(item, "type", OBJECTION_TYPES, path=p),
            "line": c.text(item, "line", path=p, required=True),
            "trigger": clean_trigger(c, item, p),
            "resolved_by": c.codes(
                item, "resolved_by", RESOLUTION_MOVES, path=p, what="resolution move"
            ),
            "resolved_line": c.text(item, "resolved_line", path=p),
        }
        if not objection["resolved_by"]:
            c.error(f"{p}resolved_by", _("at least one resolution move is required"))
        if objection["code"] in seen:
            c.error(f"{p}code", _("“%(value)s” appears twice") % {"value": objection["code"]})
        seen.add(objection["code"])
        objections.append(objection)
    persona["objections"] = objections
    return persona


def clean_sop(c: Checker, raw: dict, key: str = "sop") -> list[dict]:
    stages = []
    for i, stage in enumerate(c.records(raw, key)):
        p = f"{key}[{i}]."
        item = {
            "stage_zh": c.text(stage, "stage_zh", path=p, max_length=80),
            "stage_en": c.text(stage, "stage_en", path=p, max_length=80),
            "checkpoints": c.codes(
                stage, "checkpoints", CHECKPOINT_CODES, path=p, what="checkpoint"
            ),
        }
        if not item["stage_zh"] and not item["stage_en"]:
            c.error(f"{p}stage_zh", _("a stage name is required (stage_zh or stage_en)"))
        stages.append(item)
    return stages


def clean_scenario(c: Checker, raw: dict, ctx: Context) -> dict:
    product = c.text(raw, "product", required=True)
    if product and product not in ctx.products:
        c.error(
            "product",
            _("“%(value)s” is not a known %(what)s")
            % {"value": product, "what": _WHAT["product code"]},
        )
    from_case = raw.get("from_case") or None
    if from_case is not None and from_case not in ctx.cases:
        c.error(
            "from_case",
            _("“%(value)s” is not a known %(what)s")
            % {"value": from_case, "what": _WHAT["case slug"]},
        )
    record: dict[str, Any] = {
        "code": c.code(raw, "code", max_length=80),
        "language": c.choice(raw, "language", LANGUAGES, default="zh"),
        "difficulty": c.choice(raw, "difficulty", DIFFICULTIES, default="medium"),
        "product": product,
        "title": c.text(raw, "title", required=True, max_length=200),
        "goal": c.text(raw, "goal", required=True),
        "from_case": from_case,
        "persona": clean_persona(c, c.mapping(raw, "persona", required=True)),
        "sop": clean_sop(c, raw),
    }
    rubric = raw.get("rubric")
    if isinstance(rubric, str):
        rubric = {"code": rubric}
    if not isinstance(rubric, dict):
        c.error("rubric", _("is required: {code, criteria} or the code of a rubric"))
        record["rubric"] = {"code": "", "title": "", "criteria": []}
    elif rubric.get("criteria") is None:
        # A reference to a rubric of the bundle's ``rubrics:`` or already in the organisation.
        code = c.code(rubric, "code", path="rubric.")
        if code and code not in ctx.rubrics:
            c.error(
                "rubric.code",
                _("“%(value)s” is not a known rubric and no criteria are given") % {"value": code},
            )
        record["rubric"] = {"code": code}
    else:
        record["rubric"] = {
            "code": c.code(rubric, "code", path="rubric."),
            "title": c.text(rubric, "title", path="rubric.", max_length=200),
            "criteria": clean_criteria(c, rubric, path="rubric."),
        }
    return record


CLEANERS: dict[str, tuple[str, Callable[..., dict]]] = {
    "products": ("code", clean_product),
    "rules": ("code", clean_rule),
    "articles": ("slug", clean_article),
    "cases": ("slug", clean_case),
    "rubrics": ("code", clean_rubric),
    "scenarios": ("code", clean_scenario),
}


def clean_record(kind: str, raw: Any, ctx: Context, *, where: str | None = None) -> dict:
    """One record of ``kind``, cleaned, or ``BundleError`` (used by forms and services)."""
    errors: list[str] = []
    key, cleaner = CLEANERS[kind]
    name = where or (
        f"{kind[:-1]} ({key}={raw.get(key)})"
        if isinstance(raw, dict) and raw.get(key)
        else kind[:-1]
    )
    if not isinstance(raw, dict):
        raise BundleError([f"{name}: must be a mapping"])
    record = cleaner(Checker(name, errors), raw, ctx)
    if errors:
        raise BundleError(errors)
    return record


def clean_bundle(data: Any, ctx: Context) -> dict[str, list[dict]]:
    """Validate a whole bundle; every error of every record is collected before raising."""
    if not isinstance(data, dict):
        raise BundleError(["bundle: must be a mapping of kinds (products, rules, articles, …)"])
    errors: list[str] = []
    unknown = [key for key in data if key not in KINDS]
    for key in unknown:
        errors.append(f"{key}: unknown kind (expected one of {', '.join(KINDS)})")
    # The bundle's own records may be referenced by later kinds (a case's product, a scenario's
    # rubric), so natural keys are collected before the records are read.
    ctx = Context(
        products=set(ctx.products),
        rules=set(ctx.rules),
        cases=set(ctx.cases),
        rubrics=set(ctx.rubrics),
    )
    for kind, target in (
        ("products", "products"),
        ("rules", "rules"),
        ("cases", "cases"),
        ("rubrics", "rubrics"),
    ):
        records = data.get(kind) or []
        if isinstance(records, list):
            key = CLEANERS[kind][0]
            getattr(ctx, target).update(
                str(r[key]) for r in records if isinstance(r, dict) and isinstance(r.get(key), str)
            )
    for scenario in data.get("scenarios") or []:
        rubric = scenario.get("rubric") if isinstance(scenario, dict) else None
        if (
            isinstance(rubric, dict)
            and rubric.get("criteria") is not None
            and isinstance(rubric.get("code"), str)
        ):
            ctx.rubrics.add(rubric["code"])

    cleaned: dict[str, list[dict]] = {}
    for kind in KINDS:
        records = data.get(kind)
        if records is None:
            continue
        if not isinstance(records, list):
            errors.append(f"{kind}: must be a list of records")
            continue
        key, cleaner = CLEANERS[kind]
        out = []
        seen: dict[str, int] = {}
        for index, raw in enumerate(records):
            where = _describe(kind, index, raw, key)
            if not isinstance(raw, dict):
                errors.append(f"{where}: must be a mapping")
                continue
            record = cleaner(Checker(where, errors), raw, ctx)
            natural = record.get(key)
            if natural in seen:
                errors.append(f"{where}.{key}: {natural!r} already used by {kind}[{seen[natural]}]")
            elif natural:
                seen[natural] = index
            out.append(record)
        cleaned[kind] = out
    if errors:
        raise BundleError(errors)
    return cleaned
