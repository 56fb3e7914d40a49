"""End to end through the real broker and a real worker: finishing practice sessions gets them
scored, and each scored scorecard updates the agent's coaching rows in the bulk queue."""

import pytest

from coaching.models import AgentWeek, SkillProfile
from practice.models import Scorecard
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_scored_sessions_update_the_skill_profile(
    celery_worker_process, api_client, agent, scenario_zh
):
    api_client.force_authenticate(agent)
    sessions = []
    for _ in range(3):
        session = api_client.post(
            "/api/v1/sessions/", {"scenario": scenario_zh.pk}, format="json"
        ).json()
        api_client.post(
            f"/api/v1/sessions/{session['id']}/turns/",
            {"text": "您好，我是安澜人寿的李明，想先了解一下您家里的情况，您平时最担心什么？"},
            format="json",
        )
        assert api_client.post(f"/api/v1/sessions/{session['id']}/finish/").status_code == 202
        sessions.append(session["id"])

    def all_scored():
        return (
            Scorecard.objects.filter(
                conversation_id__in=sessions, status__in=["scored", "needs_review"]
            ).count()
            == 3
        )

    wait_for(all_scored, timeout=60)
    profile = wait_for(
        lambda: SkillProfile.objects.filter(
            agent=agent, kind="all", skill="discovery", n=3
        ).first(),
        timeout=60,
    )
    assert profile.score is not None and 0 <= profile.score <= 100
    week = wait_for(lambda: AgentWeek.objects.filter(agent=agent, scored=3).first(), timeout=30)
    assert week.started == 3 and week.finished == 3
    response = api_client.get(f"/api/v1/agents/{agent.pk}/skills/")
    discovery = next(s for s in response.json()["skills"] if s["code"] == "discovery")
    assert discovery["n"] == 3 and discovery["score"] == profile.score
