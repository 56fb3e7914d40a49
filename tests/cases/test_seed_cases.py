"""Checks of the case-library seed content (seed/cases.yaml).

The case library is what agents study before practising, so it must stay importable and keep
to the shared vocabularies of docs/content-format.md. These are plain pytest tests with no
database so they run before the Django project is configured.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
CASES_FILE = REPO_ROOT / "seed" / "cases.yaml"

PRODUCT_CODES = {
    "anxin-ci",
    "kangxiang-medical",
    "hujia-term",
    "fuying-par",
    "yinian-annuity",
    "anxing-accident",
    "wenying-ul",
}
OUTCOMES = {"won", "lost", "follow_up"}
LANGUAGES = {"zh", "en"}
SKILLS = {"opening", "discovery", "product", "objection", "compliance", "closing", "rapport"}
RULE_CODES = {
    "guaranteed_return",
    "deposit_confusion",
    "exaggerated_coverage",
    "concealed_exclusions",
    "induced_nondisclosure",
    "improper_benefit",
    "proxy_signature",
    "competitor_disparagement",
    "false_urgency",
    "regulator_endorsement",
    "premium_handling",
    "cooling_off_omitted",
}
OBJECTION_TYPES = {
    "price",
    "spouse",
    "already_insured",
    "scam",
    "invest",
    "think_it_over",
    "no_need",
    "trust",
}
# The six objections every agent meets daily; the library must show each handled well and badly.
CORE_OBJECTIONS = {"price", "spouse", "already_insured", "scam", "invest", "think_it_over"}
SPEAKERS = {"agent", "customer"}
ANNOTATION_KINDS = {"good", "problem"}
CASE_KEYS = {
    "slug",
    "language",
    "title",
    "summary",
    "product",
    "outcome",
    "source",
    "skills",
    "objection_types",
    "turns",
    "annotations",
}


@cache
def load_cases() -> list[dict[str, Any]]:
    with CASES_FILE.open(encoding="utf-8") as handle:
        bundle = yaml.safe_load(handle)
    assert isinstance(bundle, dict) and set(bundle) == {"cases"}
    return bundle["cases"]


def case_ids() -> list[str]:
    return [case["slug"] for case in load_cases()]


def test_sixteen_cases_eleven_zh_five_en() -> None:
    cases = load_cases()
    assert len(cases) == 16
    assert Counter(case["language"] for case in cases) == {"zh": 11, "en": 5}


def test_slugs_are_unique_and_stable_looking() -> None:
    slugs = case_ids()
    assert len(slugs) == len(set(slugs))
    for slug in slugs:
        assert slug == slug.lower() and " " not in slug, slug


@pytest.mark.parametrize("case", load_cases(), ids=case_ids())
def test_case_fields_use_the_shared_vocabularies(case: dict[str, Any]) -> None:
    assert set(case) == CASE_KEYS
    assert case["language"] in LANGUAGES
    assert case["product"] in PRODUCT_CODES
    assert case["outcome"] in OUTCOMES
    for field in ("title", "summary", "source"):
        assert isinstance(case[field], str) and case[field].strip()
    assert case["skills"] and set(case["skills"]) <= SKILLS
    assert case["objection_types"] and set(case["objection_types"]) <= OBJECTION_TYPES
    # Column widths of cases.models.Case: a longer value would fail the import.
    assert re.fullmatch(r"[a-z0-9-]+", case["slug"]) and len(case["slug"]) <= 120
    assert len(case["title"]) <= 200 and len(case["source"]) <= 200


@pytest.mark.parametrize("case", load_cases(), ids=case_ids())
def test_turns_are_a_realistic_conversation(case: dict[str, Any]) -> None:
    turns = case["turns"]
    assert 12 <= len(turns) <= 24
    for turn in turns:
        assert set(turn) == {"speaker", "text"}
        assert turn["speaker"] in SPEAKERS
        assert isinstance(turn["text"], str) and turn["text"].strip()
    assert {turn["speaker"] for turn in turns} == SPEAKERS


@pytest.mark.parametrize("case", load_cases(), ids=case_ids())
def test_annotations_point_at_existing_turns(case: dict[str, Any]) -> None:
    annotations = case["annotations"]
    assert 4 <= len(annotations) <= 8
    for note in annotations:
        assert set(note) <= {"turn", "kind", "comment", "skill", "rule"}
        assert isinstance(note["turn"], int) and 0 <= note["turn"] < len(case["turns"])
        assert note["kind"] in ANNOTATION_KINDS
        assert isinstance(note["comment"], str) and len(note["comment"].strip()) >= 20
        # Every annotation teaches something linkable: a skill, a rule, or both.
        assert "skill" in note or "rule" in note
        if "skill" in note:
            assert note["skill"] in SKILLS
        if "rule" in note:
            assert note["rule"] in RULE_CODES
            assert note["kind"] == "problem"


def test_every_listed_objection_type_appears_in_at_least_two_cases() -> None:
    counts = Counter(o for case in load_cases() for o in set(case["objection_types"]))
    assert set(counts) == OBJECTION_TYPES
    assert all(count >= 2 for count in counts.values()), counts


def test_core_objections_are_shown_handled_well_and_badly() -> None:
    well: set[str] = set()
    badly: set[str] = set()
    for case in load_cases():
        kinds = {note["kind"] for note in case["annotations"]}
        target = well if kinds == {"good"} else badly
        target.update(case["objection_types"])
    assert well >= CORE_OBJECTIONS
    assert badly >= CORE_OBJECTIONS


def test_good_and_problem_annotations_and_compliance_cases_exist() -> None:
    cases = load_cases()
    kinds = Counter(note["kind"] for case in cases for note in case["annotations"])
    assert kinds["good"] > 0 and kinds["problem"] > 0
    all_good = [case for case in cases if {n["kind"] for n in case["annotations"]} == {"good"}]
    with_rules = [case for case in cases if any("rule" in n for n in case["annotations"])]
    assert len(all_good) >= 6
    assert len(with_rules) >= 5


def test_library_covers_every_product_and_outcome() -> None:
    cases = load_cases()
    assert {case["product"] for case in cases} == PRODUCT_CODES
    assert {case["outcome"] for case in cases} == OUTCOMES
