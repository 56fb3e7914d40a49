"""Reads of the case library and the scenario catalogue, scoped to the caller's organisation.

The ``*_record`` functions give cases, rubrics and scenarios as canonical bundle records
(``knowledge.validation``) for the exporter and for change detection on import.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import Organisation, User
from accounts.selectors import scope, scoped_get
from cases.models import MICRO_DRILL_PREFIX, Case, CaseAnnotation, CaseTurn, Rubric, Scenario
from knowledge.models import Skill
from knowledge.selectors import with_json_value
from knowledge.vocabulary import SKILL_CODES


# --- Cases --------------------------------------------------------------------------------
def case_list(
    *,
    user: User,
    product: str = "",
    skill: str = "",
    objection_type: str = "",
    outcome: str = "",
    language: str = "",
) -> QuerySet[Case]:
    cases = scope(Case.objects.select_related("product"), user).prefetch_related(
        Prefetch("skills", queryset=Skill.objects.all())
    )
    if product:
        cases = cases.filter(product__code=product)
    if skill:
        cases = cases.filter(skills__code=skill)
    if outcome:
        cases = cases.filter(outcome=outcome)
    if language:
        cases = cases.filter(language=language)
    if objection_type:
        cases = with_json_value(cases, "objection_types", objection_type)
    return cases.distinct().order_by("language", "title", "id")


def case_get(*, user: User, slug: str) -> Case:
    queryset = Case.objects.select_related("product").prefetch_related(
        "skills",
        Prefetch(
            "turns",
            queryset=CaseTurn.objects.order_by("index").prefetch_related(
                Prefetch(
                    "annotations",
                    queryset=CaseAnnotation.objects.select_related("skill", "rule").order_by("id"),
                )
            ),
        ),
    )
    return scoped_get(queryset, user, slug=slug)


def case_related_scenarios(*, case: Case) -> QuerySet[Scenario]:
    return case.scenarios.filter(is_active=True).order_by("title")


# --- Scenarios ----------------------------------------------------------------------------
def scenario_list(
    *,
    user: User,
    language: str = "",
    difficulty: str = "",
    product: str = "",
    include_inactive: bool = False,
    micro_drills: bool = False,
) -> QuerySet[Scenario]:
    """Full practice scenarios, or (``micro_drills``) only the short single-skill drills."""
    scenarios = scope(Scenario.objects.select_related("product", "rubric"), user)
    if micro_drills:
        scenarios = scenarios.filter(code__startswith=MICRO_DRILL_PREFIX)
    else:
        scenarios = scenarios.exclude(code__startswith=MICRO_DRILL_PREFIX)
    if not include_inactive:
        scenarios = scenarios.filter(is_active=True)
    if language:
        scenarios = scenarios.filter(language=language)
    if difficulty:
        scenarios = scenarios.filter(difficulty=difficulty)
    if product:
        scenarios = scenarios.filter(product__code=product)
    return scenarios.order_by("language", "difficulty", "title", "id")


def scenario_get(*, user: User, code: str) -> Scenario:
    return scoped_get(
        Scenario.objects.select_related("product", "rubric", "source_case"), user, code=code
    )


def scenario_get_by_id(*, user: User, pk: int) -> Scenario:
    return scoped_get(Scenario.objects.select_related("product", "rubric"), user, pk=pk)


def scenario_brief(scenario: Scenario) -> dict:
    """What an agent may know before practice: never the hidden facts, needs or objections."""
    persona = scenario.persona or {}
    return {
        "name": persona.get("name", ""),
        "public_profile": persona.get("public_profile", ""),
        "temperament": persona.get("temperament", ""),
    }


def rubric_latest(*, organisation: Organisation, code: str) -> Rubric | None:
    return Rubric.objects.filter(organisation=organisation, code=code).order_by("-version").first()


def rubric_versions(*, scenario: Scenario) -> QuerySet[Rubric]:
    return Rubric.objects.filter(
        organisation_id=scenario.organisation_id, code=scenario.rubric.code
    )


# --- Canonical records (bundle format) ----------------------------------------------------
def case_record(case: Case, *, with_annotations: bool = True) -> dict:
    turns = sorted(case.turns.all(), key=lambda t: t.index)
    record = {
        "slug": case.slug,
        "language": case.language,
        "title": case.title,
        "summary": case.summary,
        "product": case.product.code if case.product_id else None,
        "outcome": case.outcome,
        "source": case.source,
        "skills": sorted((s.code for s in case.skills.all()), key=SKILL_CODES.index),
        "objection_types": list(case.objection_types or []),
        "turns": [{"speaker": t.speaker, "text": t.text} for t in turns],
    }
    if with_annotations:
        annotations = sorted(
            (a for t in turns for a in t.annotations.all()), key=lambda a: (a.turn.index, a.pk)
        )
        record["annotations"] = [
            {
                "turn": a.turn.index,
                "kind": a.kind,
                "comment": a.comment,
                "skill": a.skill.code if a.skill_id else None,
                "rule": a.rule.code if a.rule_id else None,
            }
            for a in annotations
        ]
    return record


def rubric_record(rubric: Rubric) -> dict:
    return {"code": rubric.code, "title": rubric.title, "criteria": list(rubric.criteria or [])}


def scenario_record(scenario: Scenario) -> dict:
    return {
        "code": scenario.code,
        "language": scenario.language,
        "difficulty": scenario.difficulty,
        "product": scenario.product.code,
        "title": scenario.title,
        "goal": scenario.goal,
        "from_case": scenario.source_case.slug if scenario.source_case_id else None,
        "persona": scenario.persona,
        "sop": list(scenario.sop or []),
        "rubric": rubric_record(scenario.rubric),
    }


def _cases_with_turns(organisation: Organisation) -> QuerySet[Case]:
    return (
        Case.objects.filter(organisation=organisation)
        .select_related("product")
        .prefetch_related(
            "skills",
            Prefetch(
                "turns",
                queryset=CaseTurn.objects.prefetch_related(
                    Prefetch(
                        "annotations",
                        queryset=CaseAnnotation.objects.select_related("skill", "rule", "turn"),
                    )
                ),
            ),
        )
    )


def cases_for_export(*, organisation: Organisation) -> list[dict]:
    return [case_record(c) for c in _cases_with_turns(organisation).order_by("slug")]


def scenarios_for_export(*, organisation: Organisation) -> list[dict]:
    scenarios = Scenario.objects.filter(organisation=organisation).select_related(
        "product", "rubric", "source_case"
    )
    return [scenario_record(s) for s in scenarios.order_by("code")]


def rubrics_for_export(*, organisation: Organisation) -> list[dict]:
    """Latest version of each rubric no scenario uses (scenarios carry theirs inline)."""
    used = set(
        Scenario.objects.filter(organisation=organisation).values_list("rubric__code", flat=True)
    )
    latest: dict[str, Rubric] = {}
    for rubric in Rubric.objects.filter(organisation=organisation).order_by("code", "-version"):
        latest.setdefault(rubric.code, rubric)
    return [rubric_record(r) for code, r in sorted(latest.items()) if code not in used]
