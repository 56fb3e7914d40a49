"""Drills derived from the content, recommendations that target the weakness, and the
measured-improvement ranking."""

from datetime import timedelta

import pytest
from django.utils import timezone

from cases.models import Scenario
from coaching.models import AssignmentProgress, Drill, DrillEffect, Weakness
from coaching.selectors import agent_overview, drill_effects, drills_for, drills_recommended
from coaching.services import (
    assignment_create,
    coaching_rebuild,
    coaching_update_for_agent,
    drills_sync,
)
from knowledge.models import Article, Skill
from tests.coaching.helpers import SKILLS, history
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GOOD = dict.fromkeys(SKILLS, 0.8)


@pytest.fixture
def drilled_org(seeded_org):
    drills_sync(organisation=seeded_org)
    return seeded_org


def test_drills_cover_scenarios_cases_articles_and_micro_drills(drilled_org):
    drills = {d.key: d for d in Drill.objects.filter(organisation=drilled_org)}
    kinds = {d.kind for d in drills.values()}
    assert kinds == {"scenario", "case", "article", "micro"}
    scenario = drills["scenario:zh-ci-young-mother"]
    assert set(scenario.target_skills) >= {"opening", "discovery", "objection", "compliance"}
    assert "cooling_off_disclosed" in scenario.target_checkpoints
    assert "cooling_off_omitted" in scenario.target_rules
    # a case's problem annotations give its rules
    assert any("guaranteed_return" in d.target_rules for d in drills.values() if d.kind == "case")
    # a compliance article reaches the rules it talks about
    assert "cooling_off_omitted" in drills["article:kb-cooling-off-period"].target_rules
    assert drills["article:kb-claims-process"].target_rules == []

    # a micro-drill per objection: one objection raised at turn 1, patience 4
    micro = drills["micro:micro-zh-ci-young-mother-premium_too_high"]
    assert micro.target_skills == ["objection"] and micro.minutes == 5
    persona = micro.scenario.persona
    assert [o["code"] for o in persona["objections"]] == ["premium_too_high"]
    assert persona["objections"][0]["trigger"] == {"after_turn": 1}
    assert persona["patience"] == 4
    criteria = micro.scenario.rubric.criteria
    assert {c["skill"] for c in criteria} == {"objection", "rapport"}
    assert sum(c["weight"] for c in criteria) == 100
    # one per disclosure and language
    for language in ("zh", "en"):
        cooling = drills[f"micro:micro-{language}-cooling-off"]
        assert cooling.target_checkpoints == ["cooling_off_disclosed"]
        assert cooling.target_rules == ["cooling_off_omitted"]
        duty = drills[f"micro:micro-{language}-disclosure-duty"]
        assert duty.target_checkpoints == ["disclosure_duty_reminded"]


def test_drills_sync_is_idempotent(drilled_org):
    before = sorted(Drill.objects.values_list("pk", "key", "updated_at"))
    scenarios = Scenario.objects.count()
    again = drills_sync(organisation=drilled_org)
    assert again.get("created", 0) == 0 and again.get("updated", 0) == 0
    assert sorted(Drill.objects.values_list("pk", "key", "updated_at")) == before
    assert Scenario.objects.count() == scenarios


def test_micro_drill_can_be_practised(drilled_org, agent, login):
    client = login(agent)
    response = client.post("/practice/start/micro-zh-ci-young-mother-premium_too_high/")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200


def test_recommendations_target_the_weakness(drilled_org, agent):
    history(
        agent,
        [
            {
                "skills": {**GOOD, "objection": 0.2},
                "findings": [("cooling_off_omitted", "general")],
                "checkpoints": {"cooling_off_disclosed": False},
                "language": "zh",
            }
        ]
        * 3,
    )
    coaching_update_for_agent(agent=agent)
    overview = agent_overview(agent=agent)
    by_code = {w["weakness"].code: w["drills"] for w in overview["weaknesses"]}
    # the missed checkpoint and the rule finding are one weakness (profiles.SAME_PROBLEM)
    assert set(by_code) == {"objection", "cooling_off_omitted"}
    for code, kind in (("objection", "skill"), ("cooling_off_omitted", "rule")):
        assert by_code[code], code
        for item in by_code[code]:
            assert code in item["drill"].targets(kind)
    # a drill aimed at this one thing, in the agent's language, comes first
    first_objection = by_code["objection"][0]["drill"]
    assert first_objection.kind == "micro" and first_objection.language == "zh"
    first_rule = by_code["cooling_off_omitted"][0]["drill"]
    assert first_rule.key in ("micro:micro-zh-cooling-off", "article:kb-cooling-off-period")
    assert first_rule.language == "zh"
    assert overview["recommended"]
    assert overview["recommended"][0]["action"]["method"] in ("post", "get")


def test_drills_are_recommended_in_the_agents_language(drilled_org, agent, agent_other_team):
    missed = {
        "skills": {**GOOD, "objection": 0.2},
        "checkpoints": {"cooling_off_disclosed": False},
    }
    history(agent, [{**missed, "language": "zh"}] * 3)
    history(agent_other_team, [{**missed, "language": "en"}] * 3)
    for user, language in ((agent, "zh"), (agent_other_team, "en")):
        coaching_update_for_agent(agent=user)
        overview = agent_overview(agent=user)
        by_code = {w["weakness"].code: w["drills"] for w in overview["weaknesses"]}
        assert set(by_code) == {"objection", "cooling_off_omitted"}
        titles = [item["drill"].title for items in by_code.values() for item in items]
        assert titles and all(
            item["drill"].language == language for items in by_code.values() for item in items
        ), titles
        assert {item["drill"].language for item in overview["recommended"]} == {language}
    # the Chinese agent gets the Chinese micro-drill, never its English twin as well
    zh_titles = {
        item["drill"].key for w in agent_overview(agent=agent)["weaknesses"] for item in w["drills"]
    }
    assert "micro:micro-zh-cooling-off" in zh_titles
    assert "micro:micro-en-cooling-off" not in zh_titles


def test_drill_language_falls_back_when_unknown_or_missing(drilled_org):
    drills = drills_for(drilled_org.pk)
    cooling = {"kind": "rule", "code": "cooling_off_omitted", "drills": drills, "effects": {}}
    for language in ("zh", "en"):
        ranked = drills_recommended(**cooling, language=language)
        assert ranked and {r["drill"].language for r in ranked} == {language}
    # no language known: any language, best fit first
    assert drills_recommended(**cooling, language=None)
    # nothing in the agent's language targets it: the other language rather than nothing
    zh_only = [d for d in drills if d.language == "zh"]
    ranked = drills_recommended(**{**cooling, "drills": zh_only}, language="en")
    assert ranked and {r["drill"].language for r in ranked} == {"zh"}


def test_an_agent_without_conversations_gets_drills_in_the_page_language(drilled_org, agent):
    from django.utils import translation

    from coaching.selectors import drill_language

    with translation.override("en"):
        assert drill_language(agent) == "en"
    with translation.override("zh-hans"):
        assert drill_language(agent) == "zh"
    history(agent, [{"language": "en"}])
    with translation.override("zh-hans"):
        assert drill_language(agent) == "en"


def test_measured_improvement_ranks_equally_fitting_drills(org, trainer):
    """Two articles fit a rule weakness equally; the one after which other agents stopped
    violating the rule is ranked first once enough agents are behind the figure."""
    compliance = Skill.objects.get(code="compliance")
    articles = []
    for slug in ("urgency-a", "urgency-b"):
        article = Article.objects.create(
            organisation=org,
            slug=slug,
            title=f"虚构停售涨价催促 {slug}",
            body="不要用停售、涨价催促客户。",
        )
        article.skills.add(compliance)
        articles.append(article)
    drills_sync(organisation=org)
    drill_a = Drill.objects.get(key="article:urgency-a")
    drill_b = Drill.objects.get(key="article:urgency-b")
    assert drill_a.target_rules == drill_b.target_rules == ["false_urgency"]

    violate = {"skills": GOOD, "findings": [("false_urgency", "general")]}
    clean = {"skills": GOOD}
    now = timezone.now()
    for i, drill in enumerate([drill_a, drill_a, drill_b, drill_b]):
        agent = UserFactory(organisation=org, role="agent", username=f"learner{i}")
        history(agent, [violate] * 4, start=now - timedelta(days=20))
        assignment = assignment_create(organisation=org, actor=trainer, drill=drill, agent=agent)
        AssignmentProgress.objects.filter(assignment=assignment).update(
            status="done", completed_at=now - timedelta(days=14)
        )
        after = [clean] * 3 if drill == drill_a else [violate] * 3
        history(agent, after, start=now - timedelta(days=10), step_days=2)
    coaching_rebuild(organisation=org)
    effect_a = DrillEffect.objects.get(drill=drill_a, kind="rule", code="false_urgency")
    effect_b = DrillEffect.objects.get(drill=drill_b, kind="rule", code="false_urgency")
    assert effect_a.agents == 2 and effect_a.mean_change == pytest.approx(100.0)
    assert effect_b.agents == 2 and effect_b.mean_change == pytest.approx(0.0)

    ranked = drills_recommended(
        kind="rule",
        code="false_urgency",
        drills=drills_for(org.pk),
        effects=drill_effects(org.pk),
        language="zh",
    )
    assert [r["drill"].pk for r in ranked[:2]] == [drill_a.pk, drill_b.pk]
    assert ranked[0]["effect"] == pytest.approx(100.0)
    # with too few agents behind the figure, it is not used
    fewer = drills_recommended(
        kind="rule",
        code="false_urgency",
        drills=drills_for(org.pk),
        effects=drill_effects(org.pk),
        language="zh",
        min_agents=3,
    )
    assert all(r["effect"] is None for r in fewer)


def test_weakness_without_drill_is_a_content_gap(org, agent, trainer, login):
    history(agent, [{"skills": GOOD, "findings": [("proxy_signature", "serious")]}] * 3)
    coaching_update_for_agent(agent=agent)
    assert Weakness.objects.filter(agent=agent, code="proxy_signature", status="open").exists()
    response = login(trainer).get("/dashboard/trainer/")
    assert response.status_code == 200
    gaps = response.context["gaps"]
    assert [g["code"] for g in gaps] == ["proxy_signature"]
