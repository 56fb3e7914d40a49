"""Weaknesses open after repeated shortfalls and close after recovery, on generated histories;
profiles are materialised; everything is idempotent."""

import pytest

from coaching.models import SkillProfile, Weakness
from coaching.services import (
    coaching_rebuild,
    coaching_update_for_agent,
    coaching_update_for_scorecard,
)
from tests.coaching.helpers import SKILLS, history, scored

pytestmark = pytest.mark.django_db

GOOD = dict.fromkeys(SKILLS, 0.8)
WEAK_OBJECTION = {**GOOD, "objection": 0.3}


def open_codes(agent):
    return set(Weakness.objects.filter(agent=agent, status="open").values_list("kind", "code"))


def test_skill_weakness_opens_after_k_of_n_and_closes_after_m(agent):
    # two shortfalls: nothing yet
    history(agent, [{"skills": WEAK_OBJECTION}, {"skills": GOOD}, {"skills": WEAK_OBJECTION}])
    coaching_update_for_agent(agent=agent)
    assert ("skill", "objection") not in open_codes(agent)

    third = scored(agent, skills=WEAK_OBJECTION)
    coaching_update_for_scorecard(scorecard_id=third.pk)
    weakness = Weakness.objects.get(agent=agent, kind="skill", code="objection")
    assert weakness.status == "open"
    assert len(weakness.evidence) == 3
    assert {e["scorecard"] for e in weakness.evidence} >= {third.pk}
    assert (
        weakness.evidence[-1]["quote"] == "objection quote" and weakness.evidence[-1]["turn"] == 1
    )
    # other skills are fine
    assert open_codes(agent) == {("skill", "objection")}

    # two recoveries are not enough, the third closes it
    for _ in range(2):
        coaching_update_for_scorecard(scorecard_id=scored(agent, skills=GOOD).pk)
    assert Weakness.objects.get(pk=weakness.pk).status == "open"
    coaching_update_for_scorecard(scorecard_id=scored(agent, skills=GOOD).pk)
    weakness.refresh_from_db()
    assert weakness.status == "closed" and weakness.closed_at is not None

    # it comes back: a new row, history kept
    for _ in range(3):
        coaching_update_for_scorecard(scorecard_id=scored(agent, skills=WEAK_OBJECTION).pk)
    rows = list(Weakness.objects.filter(agent=agent, code="objection").order_by("opened_at"))
    assert [w.status for w in rows] == ["closed", "open"]
    assert rows[0].pk == weakness.pk


def test_rule_and_checkpoint_weaknesses(agent):
    outcomes = [
        {
            "findings": [("false_urgency", "general")],
            "checkpoints": {"cooling_off_disclosed": False},
        },
        {"findings": [], "checkpoints": {"cooling_off_disclosed": False}},
        {
            "findings": [("false_urgency", "general")],
            "checkpoints": {"cooling_off_disclosed": True},
        },
        {
            "findings": [("false_urgency", "general")],
            "checkpoints": {"cooling_off_disclosed": False},
        },
    ]
    history(agent, outcomes)
    coaching_update_for_agent(agent=agent)
    assert open_codes(agent) == {("rule", "false_urgency"), ("checkpoint", "cooling_off_disclosed")}
    rule = Weakness.objects.get(agent=agent, kind="rule")
    assert all(e["quote"] == "false_urgency said" and e["turn"] == 2 for e in rule.evidence)


def test_rejected_findings_do_not_count(agent):
    history(
        agent,
        [{"findings": [("guaranteed_return", "serious")], "rejected": ("guaranteed_return",)}] * 4,
    )
    coaching_update_for_agent(agent=agent)
    assert ("rule", "guaranteed_return") not in open_codes(agent)


def test_organisation_thresholds(agent):
    agent.organisation.coaching_settings = {
        "weakness_k": 2,
        "weakness_n": 3,
        "skill_threshold": 0.9,
    }
    agent.organisation.save()
    history(agent, [{"skills": GOOD}, {"skills": GOOD}])  # 0.8 < 0.9: a shortfall now
    coaching_update_for_agent(agent=agent)
    assert ("skill", "objection") in open_codes(agent)


def test_updates_and_rebuild_are_idempotent_and_agree(agent, agent_other_team):
    outcomes = (
        [{"skills": WEAK_OBJECTION}] * 3
        + [{"skills": GOOD}] * 3
        + [{"skills": WEAK_OBJECTION, "findings": [("false_urgency", "general")]}] * 4
    )
    history(agent, outcomes)
    history(agent_other_team, [{"skills": GOOD}] * 5)
    coaching_update_for_agent(agent=agent)
    first = sorted(Weakness.objects.values_list("pk", "kind", "code", "status", "opened_at"))
    coaching_update_for_agent(agent=agent)
    assert (
        sorted(Weakness.objects.values_list("pk", "kind", "code", "status", "opened_at")) == first
    )
    result = coaching_rebuild(organisation=agent.organisation)
    assert result["agents"] == 2 and result["scorecards"] == 15
    # the rebuild replays the same history: same rows, same ids
    assert (
        sorted(Weakness.objects.values_list("pk", "kind", "code", "status", "opened_at")) == first
    )
    assert [s for *_x, s, _o in first].count("closed") == 1
    coaching_rebuild(organisation=agent.organisation)
    assert (
        sorted(Weakness.objects.values_list("pk", "kind", "code", "status", "opened_at")) == first
    )
    assert SkillProfile.objects.filter(agent=agent).count() == 21  # 7 skills × all/practice/call


def test_profiles_split_practice_and_calls(agent):
    history(
        agent,
        [{"kind": "practice", "skills": {"discovery": 0.9}}] * 3
        + [{"kind": "call", "skills": {"discovery": 0.3}}] * 2,
    )
    coaching_update_for_agent(agent=agent)
    rows = {p.kind: p for p in SkillProfile.objects.filter(agent=agent, skill="discovery")}
    assert rows["practice"].score == pytest.approx(90.0) and rows["practice"].n == 3
    assert rows["call"].score is None and rows["call"].n == 2  # not enough data
    assert rows["all"].n == 5 and 30 < rows["all"].score < 90
    assert SkillProfile.objects.get(agent=agent, skill="opening", kind="all").n == 0


def test_a_scorecard_of_another_org_or_without_agent_changes_nothing(agent):
    card = scored(agent)
    card.conversation.agent = None
    card.conversation.save()
    assert coaching_update_for_scorecard(scorecard_id=card.pk) is None
    assert coaching_update_for_scorecard(scorecard_id=999999) is None
    assert not SkillProfile.objects.exists()
