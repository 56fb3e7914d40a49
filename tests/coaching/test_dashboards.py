"""Dashboards: figures, drill-downs, CSV exports, scoping, and query counts that stay the same
whatever the number of agents and scorecards."""

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent, Role
from coaching.services import assignment_create, coaching_rebuild, course_create, course_item_add
from tests.coaching.helpers import SKILLS, bulk_history, history
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _agents(org, team, n, prefix):
    return [
        UserFactory(username=f"{prefix}{i}", organisation=org, team=team, role=Role.AGENT)
        for i in range(n)
    ]


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def _grow(org, team, other_team, trainer, prefix, n_agents, per_agent):
    agents = _agents(org, team, n_agents, prefix) + _agents(org, other_team, n_agents, prefix + "o")
    bulk_history(agents, per_agent)
    course = course_create(organisation=org, actor=trainer, title=f"course {prefix}")
    course_item_add(course=course, actor=trainer, kind="scenario", target_id=_scenario(org).pk)
    assignment = assignment_create(
        organisation=org,
        actor=trainer,
        course=course,
        team=team,
        due_at=timezone.now() + timedelta(days=1),
    )
    # overdue by now (a past due date cannot be chosen when assigning)
    assignment.due_at = timezone.now() - timedelta(days=1)
    assignment.save(update_fields=["due_at"])
    coaching_rebuild(organisation=org)
    return agents


def _scenario(org):
    return org.scenarios.first()


def test_query_counts_do_not_grow_with_agents_and_scorecards(
    seeded_org, team, other_team, trainer, manager, org_admin, agent, login
):
    urls = {
        "manager": (manager, "/dashboard/team/"),
        "admin": (org_admin, "/dashboard/team/"),
        "trainer": (trainer, "/dashboard/trainer/"),
        "agent_home": (agent, "/"),
        "manager_home": (manager, "/"),
        "agent_detail": (manager, f"/dashboard/team/agents/{agent.pk}/"),
        "agents": (manager, f"/dashboard/team/agents/?team={team.pk}&skill=objection"),
        "courses": (trainer, "/courses/"),
    }
    history(agent, [{"findings": [("false_urgency", "general")]}] * 3)
    _grow(seeded_org, team, other_team, trainer, "a", 2, 4)
    small = {name: _count(login(user), url) for name, (user, url) in urls.items()}
    history(agent, [{"findings": [("false_urgency", "general")]}] * 6)
    _grow(seeded_org, team, other_team, trainer, "b", 12, 15)
    large = {name: _count(login(user), url) for name, (user, url) in urls.items()}
    assert large == small


def test_manager_dashboard_figures_and_scope(
    seeded_org, team, other_team, manager, login, agent, agent_other_team
):
    weak = {**dict.fromkeys(SKILLS, 0.8), "objection": 0.3}
    history(
        agent,
        [
            {
                "skills": weak,
                "findings": [("guaranteed_return", "serious")],
                "checkpoints": {"cooling_off_disclosed": False},
            }
        ]
        * 3,
    )
    history(agent_other_team, [{"skills": weak, "findings": [("false_urgency", "general")]}] * 4)
    coaching_rebuild(organisation=seeded_org)
    response = login(manager).get("/dashboard/team/")
    context = response.context
    # the manager manages only `team`: the other team's agent is invisible
    assert [row["team"] for row in context["heatmap"]["rows"]] == [team.name]
    objection = next(c for c in context["heatmap"]["rows"][0]["cells"] if c["skill"] == "objection")
    # the team's conversations of the period: three, all at 30
    assert objection["value"] == pytest.approx(30.0) and objection["n"] == 3
    assert [r["agent_id"] for r in context["per_agent"]] == [agent.pk]
    assert context["per_agent"][0]["serious"] == 3
    assert {r["code"] for r in context["rules"]} == {"guaranteed_return"}
    cooling = next(c for c in context["checkpoints"] if c["code"] == "cooling_off_disclosed")
    assert cooling["rate"] == 0.0 and cooling["n"] == 3
    assert context["funnel"][0]["value"] == 3 and context["funnel"][2]["value"] == 3
    recurring = {(w["kind"], w["code"]) for w in context["recurring"]}
    # the missed cooling-off checkpoint counts as its rule: one weakness, not two
    assert recurring == {
        ("skill", "objection"),
        ("rule", "guaranteed_return"),
        ("rule", "cooling_off_omitted"),
    }
    body = response.content.decode()
    assert agent.name in body and agent_other_team.name not in body
    assert 'data-chart="skills-chart"' in body and 'id="skills-chart"' in body
    assert "<script>" not in body.replace('<script type="application/json"', "")

    # drill-downs: the heat cell → agents → the agent → the conversation
    agents_page = login(manager).get(f"/dashboard/team/agents/?team={team.pk}&skill=objection")
    assert [r["agent"].pk for r in agents_page.context["rows"]] == [agent.pk]
    weakness_page = login(manager).get("/dashboard/team/agents/?kind=rule&code=guaranteed_return")
    assert [r["agent"].pk for r in weakness_page.context["rows"]] == [agent.pk]
    # the checkpoint list links to the agents with the (merged) cooling-off weakness
    checkpoint_page = login(manager).get(
        "/dashboard/team/agents/?kind=checkpoint&code=cooling_off_disclosed"
    )
    assert [r["agent"].pk for r in checkpoint_page.context["rows"]] == [agent.pk]
    detail = login(manager).get(f"/dashboard/team/agents/{agent.pk}/")
    assert detail.status_code == 200
    conversation = detail.context["conversations"][0]
    assert conversation["url"] == f"/practice/sessions/{conversation['conversation'].pk}/"
    page = login(manager).get(conversation["url"], follow=True)
    assert page.status_code == 200 and page.redirect_chain[-1][0].endswith("/results/")
    evidence = detail.context["weaknesses"][0]["evidence"][0]
    forwarded = login(manager).get(evidence["url"])
    assert forwarded.status_code == 302 and forwarded["Location"].startswith("/practice/sessions/")
    # another team's agent and another org's user answer 404
    assert login(manager).get(f"/dashboard/team/agents/{agent_other_team.pk}/").status_code == 404
    assert login(agent).get("/dashboard/team/").status_code == 403


def test_csv_export_is_audited(seeded_org, team, manager, login, agent):
    history(agent, [{"findings": [("false_urgency", "general")]}] * 3)
    coaching_rebuild(organisation=seeded_org)
    client = login(manager)
    response = client.get("/dashboard/team/?export=compliance_agents")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] in ("Agent", "坐席", "代理人") or len(rows[0]) == 7
    assert rows[1][0] == agent.name and rows[1][5] == "3"
    event = AuditEvent.objects.get(action="dashboard.exported")
    assert event.actor == manager and event.target_id == "compliance_agents"
    for name in (
        "heatmap",
        "skills_weekly",
        "compliance_weekly",
        "rules",
        "checkpoints",
        "funnel",
        "courses",
        "weaknesses",
    ):
        assert client.get(f"/dashboard/team/?export={name}").status_code == 200
    assert client.get("/dashboard/team/?export=secrets").status_code == 404


def test_both_languages_render(seeded_org, manager, agent, login):
    history(agent, [{}] * 3)
    coaching_rebuild(organisation=seeded_org)
    client = login(manager)
    for language in ("en", "zh-hans"):
        client.cookies["django_language"] = language
        for url in ("/dashboard/team/", f"/dashboard/team/agents/{agent.pk}/", "/"):
            assert client.get(url).status_code == 200


def test_the_team_skill_table_follows_the_period(seeded_org, team, manager, login, agent):
    weak = {**dict.fromkeys(SKILLS, 0.8), "objection": 0.2}
    strong = {**dict.fromkeys(SKILLS, 0.8), "objection": 1.0}
    now = timezone.now()
    # weak ten weeks ago, strong in the last weeks
    history(agent, [{"skills": weak}] * 4, start=now - timedelta(weeks=10))
    history(agent, [{"skills": strong}] * 2, start=now - timedelta(days=6))
    coaching_rebuild(organisation=seeded_org)
    client = login(manager)

    def objection(weeks):
        context = client.get(f"/dashboard/team/?weeks={weeks}").context
        [row] = context["heatmap"]["rows"]
        return next(c for c in row["cells"] if c["skill"] == "objection")

    recent, longer = objection(4), objection(12)
    assert (recent["value"], recent["n"]) == (pytest.approx(100.0), 2)
    assert (longer["value"], longer["n"]) == (pytest.approx(46.7), 6)  # (4 × 20 + 2 × 100) / 6
    export = client.get("/dashboard/team/?weeks=4&export=heatmap").content.decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(export)))[1][4] == "100.0"


def test_a_trend_that_rounds_to_zero_has_no_arrow(seeded_org, manager, login, agent):
    from coaching.models import SkillProfile

    history(agent, [{}] * 3)
    coaching_rebuild(organisation=seeded_org)
    profiles = SkillProfile.objects.filter(agent=agent, kind="all")
    profiles.filter(skill="opening").update(trend=0.04)
    profiles.filter(skill="discovery").update(trend=-0.04)
    profiles.filter(skill="product").update(trend=2.26)
    profiles.filter(skill="objection").update(trend=-3.0)
    body = login(manager).get(f"/dashboard/team/agents/{agent.pk}/").content.decode()
    assert "+0.0" not in body and "-0.0" not in body
    assert body.count('data-trend="flat"') == 2
    assert '<span class="score-pass" data-trend="up">▲ +2.3</span>' in body
    assert '<span class="score-fail" data-trend="down">▼ -3.0</span>' in body


def test_an_organisations_own_rule_names_its_code_over_the_built_in_one(org):
    """Built-in rules sort first whatever the database does with NULLs (PostgreSQL puts them
    last), so the organisation's own title wins in every name lookup."""
    from django.utils import translation

    from coaching.selectors import vocabulary_names
    from knowledge.models import ComplianceRule
    from practice.selectors import rule_titles

    built_in = ComplianceRule.objects.get(organisation__isnull=True, code="guaranteed_return")
    own = ComplianceRule.objects.get(pk=built_in.pk)
    own.pk, own.organisation, own.title_zh = None, org, "本公司：不得承诺收益"
    own.save()
    with translation.override("zh-hans"):
        assert vocabulary_names(org.pk)["rule"]["guaranteed_return"] == "本公司：不得承诺收益"
        assert rule_titles(org.pk)["guaranteed_return"] == "本公司：不得承诺收益"
        assert rule_titles(org.pk, {"guaranteed_return"}) == {
            "guaranteed_return": "本公司：不得承诺收益"
        }
