"""Writes of the case library and the scenario catalogue.

As in ``knowledge.services``: ``*_write`` stores a record already cleaned by
``knowledge.validation`` (the bundle importer calls it), ``*_save`` validates raw data, writes,
audits and bumps the organisation's content version.

Rubrics are versioned: a scenario whose rubric criteria change points at a NEW ``Rubric`` row,
and the old version stays for the scorecards scored against it.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from accounts.models import Organisation, User
from accounts.services import audit_record, content_version_bump
from cases import selectors
from cases.models import (
    AnnotationKind,
    Case,
    CaseAnnotation,
    CaseTurn,
    Outcome,
    Rubric,
    Scenario,
    Speaker,
)
from config.errors import DomainError
from knowledge.models import ComplianceRule, Product, Skill
from knowledge.selectors import rule_for_code
from knowledge.validation import BundleError, Context, clean_record

CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"

# --- Transcripts as text ------------------------------------------------------------------
_SPEAKER_PREFIX = re.compile(
    r"^\s*(坐席|代理人|业务员|销售|客户|agent|customer)\s*[:：]\s*(.*)$", re.IGNORECASE
)
_AGENT_WORDS = {"坐席", "代理人", "业务员", "销售", "agent"}


def turns_from_text(text: str) -> list[dict]:
    """``坐席:``/``客户:`` (or ``Agent:``/``Customer:``) prefixed lines → turns.

    A line without a prefix continues the previous turn; before any turn it is an error that
    names the line.
    """
    turns: list[dict] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _SPEAKER_PREFIX.match(line)
        if match:
            who = match.group(1).lower()
            speaker = Speaker.AGENT if who in _AGENT_WORDS else Speaker.CUSTOMER
            turns.append({"speaker": str(speaker), "text": match.group(2).strip()})
        elif turns:
            turns[-1]["text"] = f"{turns[-1]['text']}\n{line.strip()}".strip()
        else:
            raise BundleError(
                [
                    "turns: "
                    + _("line %(line)s: start the line with 坐席: or 客户: (Agent: or Customer:)")
                    % {"line": number}
                ]
            )
    for i, turn in enumerate(turns):
        if not turn["text"]:
            raise BundleError(["turns: " + _("turn %(number)s is empty") % {"number": i + 1}])
    return turns


def turns_to_text(turns: list[dict], *, language: str) -> str:
    labels = (
        {"agent": "Agent", "customer": "Customer"}
        if language == "en"
        else {"agent": "坐席", "customer": "客户"}
    )
    return "\n".join(f"{labels[t['speaker']]}: {t['text']}" for t in turns)


# --- Cases --------------------------------------------------------------------------------
def _turns_write(case: Case, turns: list[dict]) -> bool:
    """Bring the turns to ``turns`` in place, so annotations of unchanged turns survive."""
    current = {t.index: t for t in case.turns.all()}
    changed = False
    for index, turn in enumerate(turns):
        row = current.get(index)
        if row is None:
            CaseTurn.objects.create(
                case=case, index=index, speaker=turn["speaker"], text=turn["text"]
            )
            changed = True
        elif (row.speaker, row.text) != (turn["speaker"], turn["text"]):
            row.speaker, row.text = turn["speaker"], turn["text"]
            row.save(update_fields=["speaker", "text"])
            changed = True
    extra = [i for i in current if i >= len(turns)]
    if extra:
        CaseTurn.objects.filter(case=case, index__in=extra).delete()
        changed = True
    return changed


def _annotations_write(case: Case, organisation: Organisation, annotations: list[dict]) -> None:
    case.annotations.all().delete()
    turns = {t.index: t for t in case.turns.all()}
    skills = {s.code: s for s in Skill.objects.all()}
    for item in annotations:
        CaseAnnotation.objects.create(
            case=case,
            turn=turns[item["turn"]],
            kind=item["kind"],
            comment=item["comment"],
            skill=skills.get(item["skill"]) if item["skill"] else None,
            rule=rule_for_code(organisation=organisation, code=item["rule"])
            if item["rule"]
            else None,
        )


CASE_FIELDS = ["language", "title", "summary", "outcome", "source", "objection_types"]


def case_write(
    *, organisation: Organisation, record: dict, actor: User | None = None
) -> tuple[Case, str]:
    """Store a case; without an ``annotations`` key the existing annotations are kept."""
    case = (
        Case.objects.filter(organisation=organisation, slug=record["slug"])
        .prefetch_related("skills", "turns__annotations__skill", "turns__annotations__rule")
        .select_related("product")
        .first()
    )
    with_annotations = "annotations" in record
    if (
        case is not None
        and selectors.case_record(case, with_annotations=with_annotations) == record
    ):
        return case, UNCHANGED
    status = UPDATED if case else CREATED
    if case is None:
        case = Case(organisation=organisation, slug=record["slug"], created_by=actor)
    for name in CASE_FIELDS:
        setattr(case, name, record[name])
    case.product = (
        Product.objects.get(organisation=organisation, code=record["product"])
        if record["product"]
        else None
    )
    case.save()
    case.skills.set(Skill.objects.filter(code__in=record["skills"]))
    _turns_write(case, record["turns"])
    if with_annotations:
        _annotations_write(case, organisation, record["annotations"])
    return case, status


def _bumped(
    organisation: Organisation, actor: User | None, action: str, target, summary: str
) -> None:
    audit_record(
        organisation=organisation, actor=actor, action=action, target=target, summary=summary
    )
    content_version_bump(organisation=organisation)


@transaction.atomic
def case_save(
    *, organisation: Organisation, data: dict, actor: User | None = None, case: Case | None = None
) -> Case:
    """Create or edit a case from form data (turns as records; annotations kept unless given)."""
    if case is not None:
        data = {**data, "slug": case.slug}
    elif Case.objects.filter(organisation=organisation, slug=data.get("slug")).exists():
        raise BundleError(
            [
                "case.slug: "
                + _("“%(value)s” is already used by another case") % {"value": data.get("slug")}
            ]
        )
    record = clean_record("cases", data, Context.for_organisation(organisation))
    if "annotations" not in data:
        record.pop("annotations", None)
    saved, status = case_write(organisation=organisation, record=record, actor=actor)
    if status != UNCHANGED:
        _bumped(organisation, actor, f"case.{status}", saved, saved.title)
    return saved


@transaction.atomic
def annotation_add(
    *,
    case: Case,
    turn_index: int,
    kind: str,
    comment: str,
    skill: str | None = None,
    rule: str | None = None,
    actor: User | None = None,
) -> CaseAnnotation:
    turn = case.turns.filter(index=turn_index).first()
    if turn is None:
        last = case.turns.aggregate(last=Max("index"))["last"] or 0
        raise DomainError(
            _("%(turn)s is not a turn of this case (0-%(last)s)")
            % {"turn": turn_index, "last": last},
            field="turn",
        )
    if kind not in AnnotationKind.values:
        raise DomainError(
            f"{kind!r} is not one of {', '.join(AnnotationKind.values)}", field="kind"
        )
    if not comment.strip():
        raise DomainError("The comment must not be empty.", field="comment")
    skill_obj = None
    if skill:
        skill_obj = Skill.objects.filter(code=skill).first()
        if skill_obj is None:
            raise DomainError(f"{skill!r} is not a known skill", field="skill")
    rule_obj: ComplianceRule | None = None
    if rule:
        rule_obj = rule_for_code(organisation=case.organisation, code=rule)
        if rule_obj is None:
            raise DomainError(f"{rule!r} is not a known compliance rule", field="rule")
    annotation = CaseAnnotation.objects.create(
        case=case,
        turn=turn,
        kind=kind,
        comment=comment.strip(),
        skill=skill_obj,
        rule=rule_obj,
        author=actor,
    )
    case.save(update_fields=["updated_at"])
    _bumped(case.organisation, actor, "case.annotation_added", case, f"{case.slug} @ {turn_index}")
    return annotation


@transaction.atomic
def annotation_remove(*, case: Case, annotation_id: int, actor: User | None = None) -> None:
    deleted, _ = case.annotations.filter(pk=annotation_id).delete()
    if not deleted:
        raise DomainError("No such annotation.", code="not_found")
    case.save(update_fields=["updated_at"])
    _bumped(case.organisation, actor, "case.annotation_removed", case, case.slug)


# --- Rubrics ------------------------------------------------------------------------------
def rubric_write(*, organisation: Organisation, record: dict) -> tuple[Rubric, str]:
    """The version of ``record['code']`` with these criteria, or a new version.

    Any existing version with equal criteria is reused (so re-importing a bundle whose scenarios
    use different versions of one rubric changes nothing). A record without a title matches on
    criteria alone and inherits the latest title.
    """
    versions = list(
        Rubric.objects.filter(organisation=organisation, code=record["code"]).order_by("-version")
    )
    title = record.get("title") or ""
    for version in versions:
        if version.criteria == record["criteria"] and (not title or version.title == title):
            return version, UNCHANGED
    rubric = Rubric.objects.create(
        organisation=organisation,
        code=record["code"],
        version=(versions[0].version + 1) if versions else 1,
        title=title or (versions[0].title if versions else ""),
        criteria=record["criteria"],
    )
    return rubric, CREATED


# --- Scenarios ----------------------------------------------------------------------------
SCENARIO_FIELDS = ["language", "difficulty", "title", "goal", "persona", "sop"]


def scenario_write(
    *, organisation: Organisation, record: dict, actor: User | None = None
) -> tuple[Scenario, str]:
    if "criteria" in record["rubric"]:
        rubric, _ = rubric_write(organisation=organisation, record=record["rubric"])
    else:
        rubric = selectors.rubric_latest(organisation=organisation, code=record["rubric"]["code"])
        if rubric is None:
            raise BundleError(
                [f"scenario ({record['code']}).rubric.code: no rubric {record['rubric']['code']!r}"]
            )
    scenario = (
        Scenario.objects.filter(organisation=organisation, code=record["code"])
        .select_related("product", "rubric", "source_case")
        .first()
    )
    if scenario is not None:
        current = selectors.scenario_record(scenario)
        if current == {**record, "rubric": current["rubric"]} and scenario.rubric_id == rubric.pk:
            return scenario, UNCHANGED
    status = UPDATED if scenario else CREATED
    if scenario is None:
        scenario = Scenario(organisation=organisation, code=record["code"], created_by=actor)
    for name in SCENARIO_FIELDS:
        setattr(scenario, name, record[name])
    scenario.product = Product.objects.get(organisation=organisation, code=record["product"])
    scenario.rubric = rubric
    scenario.source_case = (
        Case.objects.get(organisation=organisation, slug=record["from_case"])
        if record["from_case"]
        else None
    )
    scenario.save()
    return scenario, status


@transaction.atomic
def scenario_save(
    *,
    organisation: Organisation,
    data: dict,
    actor: User | None = None,
    scenario: Scenario | None = None,
) -> Scenario:
    """Create or edit a scenario from form data; a changed rubric becomes a new version."""
    if scenario is not None:
        data = {**data, "code": scenario.code}
    elif Scenario.objects.filter(organisation=organisation, code=data.get("code")).exists():
        raise BundleError(
            [f"scenario.code: {data.get('code')!r} is already used by another scenario"]
        )
    record = clean_record("scenarios", data, Context.for_organisation(organisation))
    saved, status = scenario_write(organisation=organisation, record=record, actor=actor)
    if status != UNCHANGED:
        _bumped(organisation, actor, f"scenario.{status}", saved, saved.code)
    return saved


@transaction.atomic
def scenario_set_active(*, scenario: Scenario, active: bool, actor: User | None = None) -> Scenario:
    scenario.is_active = active
    scenario.save(update_fields=["is_active", "updated_at"])
    _bumped(
        scenario.organisation,
        actor,
        "scenario.activated" if active else "scenario.archived",
        scenario,
        scenario.code,
    )
    return scenario


# --- "Practise this case" -----------------------------------------------------------------
# Words that place a customer's line on a persona topic; a draft the trainer then edits.
_TOPIC_WORDS = {
    "family": (
        "孩子",
        "老公",
        "爱人",
        "妻子",
        "老婆",
        "父母",
        "女儿",
        "儿子",
        "child",
        "kid",
        "wife",
        "husband",
        "son",
        "daughter",
        "parents",
    ),
    "income": ("工资", "收入", "月薪", "年薪", "挣", "income", "salary", "earn"),
    "health": (
        "体检",
        "结节",
        "血压",
        "病",
        "医院",
        "health",
        "check-up",
        "diagnos",
        "blood pressure",
    ),
    "debts": ("房贷", "贷款", "车贷", "mortgage", "loan"),
    "existing_cover": ("社保", "团险", "医保", "买过", "已经有", "insured", "cover", "policy"),
    "budget": ("预算", "一年能", "budget", "afford"),
    "retirement": ("退休", "养老", "retire", "pension"),
    "education": ("上学", "教育", "大学", "school", "college", "education"),
    "assets": ("存款", "理财", "基金", "股票", "savings", "invest", "fund", "stock"),
    "occupation": ("上班", "工作", "公司", "做生意", "job", "work", "business"),
    "age": ("岁", "years old", "age"),
}
_OBJECTION_WORDS = {
    "price": ("贵", "便宜", "保费", "expensive", "cost", "afford", "price"),
    "spouse": ("商量", "老公", "爱人", "老婆", "spouse", "wife", "husband", "partner"),
    "already_insured": ("已经有", "团险", "社保", "already", "covered"),
    "scam": ("骗", "忽悠", "scam", "con", "rip"),
    "invest": ("投资", "理财", "基金", "invest", "returns", "stock"),
    "think_it_over": ("考虑", "想想", "再说", "think", "later"),
    "no_need": ("年轻", "用不上", "没必要", "young", "don't need", "no need"),
    "trust": ("理赔", "不赔", "信", "claim", "trust", "refuse"),
}
_RESOLUTIONS = {
    "price": ["cost_breakdown", "tailored_plan"],
    "spouse": ["involve_spouse", "no_pressure"],
    "already_insured": ["coverage_gap"],
    "scam": ["company_strength", "cooling_off"],
    "invest": ["protection_vs_investment"],
    "think_it_over": ["no_pressure", "cooling_off"],
    "no_need": ["value_vs_risk", "coverage_gap"],
    "trust": ["company_strength", "clarify_terms"],
}
_DRAFT = {
    "zh": {
        "name": "案例客户",
        "goal": "了解客户的真实需求，讲清保障和限制，合规地处理客户的顾虑，并约定明确的下一步。",
        "resolved": "嗯，这么说我能理解。",
        "need": "希望家里出事时经济上能撑得住。",
        "title": "练习：{title}",
        "stages": ["开场", "需求了解", "产品讲解", "促成"],
    },
    "en": {
        "name": "Customer from the case",
        "goal": "Find the customer's real needs, explain cover and its limits, handle concerns "
        "compliantly and agree a clear next step.",
        "resolved": "Okay, that makes sense to me.",
        "need": "Wants the family to cope financially if something happens.",
        "title": "Practice: {title}",
        "stages": ["Opening", "Needs discovery", "Product explanation", "Closing"],
    },
}
_SOP_CHECKPOINTS = [
    ["identity_disclosed"],
    ["needs_discovery"],
    ["exclusions_explained", "disclosure_duty_reminded"],
    ["cooling_off_disclosed", "next_step_agreed"],
]
DEFAULT_RUBRIC_CODE = "standard"
DEFAULT_CRITERIA = [
    ("opening", "opening", "开场与身份", "Opening and identity", 10),
    ("discovery", "discovery", "需求挖掘", "Needs discovery", 25),
    ("product", "product", "产品讲解", "Product explanation", 20),
    ("objection", "objection", "异议处理", "Objection handling", 20),
    ("compliance", "compliance", "合规提示", "Compliance", 15),
    ("closing", "closing", "促成与下一步", "Closing and next step", 10),
]


def _matches(text: str, words: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(word in lowered for word in words)


def _draft_rubric(organisation: Organisation, product: Product) -> Rubric:
    """The rubric of the product's latest scenario, else the organisation's standard rubric."""
    used = Scenario.objects.filter(organisation=organisation, product=product).select_related(
        "rubric"
    )
    latest = used.order_by("-updated_at").first()
    if latest is not None:
        return latest.rubric
    criteria = [
        {
            "code": code,
            "skill": skill,
            "title_zh": zh,
            "title_en": en,
            "weight": weight,
            "max_score": 5,
            "checks_zh": [],
            "checks_en": [],
        }
        for code, skill, zh, en, weight in DEFAULT_CRITERIA
    ]
    rubric, _ = rubric_write(
        organisation=organisation,
        record={"code": DEFAULT_RUBRIC_CODE, "title": "", "criteria": criteria},
    )
    return rubric


def _free_code(organisation: Organisation, base: str) -> str:
    base = base[:72]
    taken = set(
        Scenario.objects.filter(organisation=organisation, code__startswith=base).values_list(
            "code", flat=True
        )
    )
    if base not in taken:
        return base
    n = 2
    while f"{base}-{n}" in taken:
        n += 1
    return f"{base}-{n}"


def scenario_draft_from_case(*, case: Case) -> dict:
    """A scenario record drafted from the case: its customer's words, objections, product."""
    if case.product_id is None:
        raise DomainError(
            "This case has no product; set its product before practising it.", field="product"
        )
    lang = case.language if case.language in _DRAFT else "zh"
    words = _DRAFT[lang]
    customer_lines = [t.text for t in case.turns.order_by("index") if t.speaker == Speaker.CUSTOMER]
    objections = []
    used_lines: set[str] = set()
    for i, otype in enumerate(case.objection_types or []):
        line = next(
            (
                t
                for t in customer_lines
                if t not in used_lines and _matches(t, _OBJECTION_WORDS.get(otype, ()))
            ),
            None,
        )
        if line is None:
            continue
        used_lines.add(line)
        objections.append(
            {
                "code": f"{otype}-{i + 1}",
                "type": otype,
                "line": line,
                "trigger": {"after_turn": 3 + 2 * i},
                "resolved_by": list(_RESOLUTIONS.get(otype, ["empathy"])),
                "resolved_line": words["resolved"],
            }
        )
    facts = []
    for line in customer_lines[1:]:
        if line in used_lines or len(facts) >= 6:
            continue
        topic = next((t for t, ws in _TOPIC_WORDS.items() if _matches(line, ws)), None)
        if topic is not None:
            facts.append({"code": f"fact-{len(facts) + 1}", "topic": topic, "text": line})
    rubric = _draft_rubric(case.organisation, case.product)
    return {
        "code": _free_code(case.organisation, f"from-{case.slug}"),
        "language": lang,
        "difficulty": "hard" if case.outcome == Outcome.LOST else "medium",
        "product": case.product.code,
        "title": words["title"].format(title=case.title)[:200],
        "goal": words["goal"],
        "from_case": case.slug,
        "persona": {
            "name": words["name"],
            "public_profile": case.summary or case.title,
            "temperament": "skeptical"
            if {"scam", "trust"} & set(case.objection_types or [])
            else "cautious",
            "initial_trust": 40,
            "buy_threshold": 70,
            "patience": 8,
            "opening_line": customer_lines[0] if customer_lines else "",
            "hidden_facts": facts,
            "needs": [{"code": "protect-family", "topic": "goals", "text": words["need"]}],
            "objections": objections,
        },
        "sop": [
            {
                "stage_zh": _DRAFT["zh"]["stages"][i],
                "stage_en": _DRAFT["en"]["stages"][i],
                "checkpoints": cps,
            }
            for i, cps in enumerate(_SOP_CHECKPOINTS)
        ],
        "rubric": {"code": rubric.code, "title": rubric.title, "criteria": rubric.criteria},
    }


@transaction.atomic
def scenario_create_from_case(*, case: Case, actor: User | None = None) -> Scenario:
    """ "Practise this case": a scenario drafted from the case, for the trainer to edit."""
    record = scenario_draft_from_case(case=case)
    scenario = scenario_save(organisation=case.organisation, data=record, actor=actor)
    return scenario
