"""Coaching API: skills and weaknesses of the agents the caller may see, courses, assignments."""

import pytest

from coaching.models import Drill
from coaching.services import (
    coaching_update_for_agent,
    course_create,
    course_item_add,
    drills_sync,
)
from tests.coaching.helpers import SKILLS, history

pytestmark = pytest.mark.django_db


@pytest.fixture
def weak_agent(seeded_org, agent):
    drills_sync(organisation=seeded_org)
    history(
        agent,
        [
            {
                "skills": {**dict.fromkeys(SKILLS, 0.8), "objection": 0.2},
                "findings": [("cooling_off_omitted", "general")],
            }
        ]
        * 3,
    )
    history(agent, [{"skills": {"discovery": 0.9}}])
    coaching_update_for_agent(agent=agent)
    return agent


def test_skills_api(weak_agent, api_client):
    api_client.force_authenticate(weak_agent)
    response = api_client.get(f"/api/v1/agents/{weak_agent.pk}/skills/")
    assert response.status_code == 200
    skills = {s["code"]: s for s in response.json()["skills"]}
    assert list(skills) == list(SKILLS)
    assert skills["objection"]["n"] == 3 and skills["objection"]["score"] == pytest.approx(20.0)
    assert skills["discovery"]["n"] == 4
    assert set(skills["opening"]) == {"code", "score", "trend", "n"}
    assert skills["opening"]["trend"] is None


def test_weaknesses_api(weak_agent, api_client):
    api_client.force_authenticate(weak_agent)
    response = api_client.get(f"/api/v1/agents/{weak_agent.pk}/weaknesses/")
    assert response.status_code == 200
    results = response.json()["results"]
    by_kind = {r["kind"]: r for r in results}
    assert by_kind["skill"]["skill"] == "objection"
    assert by_kind["rule"]["rule"] == "cooling_off_omitted"
    for result in results:
        assert result["since"] and len(result["evidence"]) == 3
        assert set(result["evidence"][0]) == {"conversation", "scorecard", "turn", "quote", "at"}
        assert result["drills"]
    assert by_kind["rule"]["evidence"][0]["quote"] == "cooling_off_omitted said"
    micro = by_kind["skill"]["drills"][0]
    assert micro["kind"] == "micro" and micro["scenario"].startswith("micro-")
    assert micro["url"] == f"/practice/start/{micro['scenario']}/"


@pytest.mark.parametrize("path", ["skills", "weaknesses"])
def test_who_may_see_whom(
    path, weak_agent, agent_other_team, manager, trainer, outsider, outsider_trainer, api_client
):
    url = f"/api/v1/agents/{weak_agent.pk}/{path}/"
    for user, expected in (
        (weak_agent, 200),
        (manager, 200),  # its team
        (trainer, 200),
        (agent_other_team, 404),  # another agent
        (outsider, 404),  # another organisation
        (outsider_trainer, 404),
    ):
        api_client.force_authenticate(user)
        response = api_client.get(url)
        assert response.status_code == expected, (user.username, response.content)
        if expected == 404:
            assert response.json() == {"detail": "Not found."}
    # a manager does not see another team's agent
    api_client.force_authenticate(manager)
    assert api_client.get(f"/api/v1/agents/{agent_other_team.pk}/{path}/").status_code == 404
    api_client.force_authenticate(None)
    assert api_client.get(url).status_code in (401, 403)


def test_courses_and_assignments_api(
    seeded_org, trainer, agent, agent_other_team, team, api_client, outsider
):
    course = course_create(organisation=seeded_org, actor=trainer, title="Course")
    article = seeded_org.articles.first()
    course_item_add(course=course, actor=trainer, kind="article", target_id=article.pk)
    api_client.force_authenticate(trainer)
    created = api_client.post(
        "/api/v1/assignments/",
        {"course": course.pk, "team": team.pk, "due_at": "2030-01-01T00:00:00Z"},
        format="json",
    )
    assert created.status_code == 201, created.content
    assignment_id = created.json()["id"]
    assert api_client.get("/api/v1/courses/").json()["count"] == 1
    detail = api_client.get(f"/api/v1/courses/{course.pk}/").json()
    assert detail["items"][0]["kind"] == "article" and detail["items"][0]["target"] == article.slug

    api_client.force_authenticate(agent)
    mine = api_client.get("/api/v1/assignments/").json()
    assert mine["count"] == 1 and mine["results"][0]["id"] == assignment_id
    progress = api_client.get(f"/api/v1/assignments/{assignment_id}/progress/").json()
    assert [p["username"] for p in progress["progress"]] == [agent.username]
    assert progress["progress"][0]["status"] == "todo" and not progress["progress"][0]["overdue"]
    assert api_client.get("/api/v1/courses/").json()["count"] == 1

    api_client.force_authenticate(agent_other_team)
    assert api_client.get("/api/v1/assignments/").json()["count"] == 0
    assert api_client.get(f"/api/v1/assignments/{assignment_id}/progress/").status_code == 404
    assert api_client.get(f"/api/v1/courses/{course.pk}/").status_code == 404
    api_client.force_authenticate(outsider)
    assert api_client.get(f"/api/v1/courses/{course.pk}/").status_code == 404

    # drills can be assigned to one agent
    api_client.force_authenticate(trainer)
    drills_sync(organisation=seeded_org)
    drill = Drill.objects.filter(organisation=seeded_org).first()
    response = api_client.post(
        "/api/v1/assignments/", {"drill": drill.pk, "agent": agent.pk}, format="json"
    )
    assert response.status_code == 201
    bad = api_client.post(
        "/api/v1/assignments/",
        {"course": course.pk, "drill": drill.pk, "agent": agent.pk},
        format="json",
    )
    assert bad.status_code == 400 and bad.json()["detail"]
    foreign = api_client.post(
        "/api/v1/assignments/", {"course": course.pk, "agent": outsider.pk}, format="json"
    )
    assert foreign.status_code == 404
