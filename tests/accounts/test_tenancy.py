"""Another organisation's objects are invisible: 404 through the pages and the API."""

import pytest

from accounts.selectors import scope, visible_agents
from practice import services
from practice.models import Conversation

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_a(agent, scenario_zh):
    return services.session_start(user=agent, scenario=scenario_zh)


def test_scope_helper_filters_by_organisation(agent, outsider, session_a):
    assert list(scope(Conversation.objects.all(), agent)) == [session_a]
    assert list(scope(Conversation.objects.all(), outsider)) == []


def test_other_organisation_gets_404_on_pages(
    login, outsider, outsider_trainer, session_a, scenario_zh
):
    for user in (outsider, outsider_trainer):
        client = login(user)
        for url in (
            f"/practice/sessions/{session_a.pk}/",
            f"/practice/sessions/{session_a.pk}/results/",
            f"/practice/sessions/{session_a.pk}/panel/",
            f"/cases/scenarios/{scenario_zh.code}/",
        ):
            assert client.get(url).status_code == 404, (user.username, url)
        assert (
            client.post(f"/practice/sessions/{session_a.pk}/say/", {"text": "hi"}).status_code
            == 404
        )
        assert client.post(f"/practice/start/{scenario_zh.code}/").status_code == 404


def test_other_organisation_gets_404_on_api(
    api_client, outsider_trainer, session_a, scenario_zh, agent
):
    api_client.force_authenticate(outsider_trainer)
    assert api_client.get(f"/api/v1/sessions/{session_a.pk}/").status_code == 404
    assert api_client.get(f"/api/v1/sessions/{session_a.pk}/scorecard/").status_code == 404
    assert (
        api_client.post(
            "/api/v1/sessions/", {"scenario": scenario_zh.pk}, format="json"
        ).status_code
        == 404
    )
    usernames = [a["username"] for a in api_client.get("/api/v1/agents/").json()["results"]]
    assert agent.username not in usernames


def test_the_owner_and_its_trainer_can_see_it(login, agent, trainer, session_a):
    assert login(agent).get(f"/practice/sessions/{session_a.pk}/").status_code == 200
    assert login(trainer).get(f"/practice/sessions/{session_a.pk}/").status_code == 200


def test_visible_agents_follow_the_role(agent, agent_other_team, trainer, manager, outsider):
    assert set(visible_agents(agent)) == {agent}
    assert set(visible_agents(manager)) == {agent}  # manages only the first team
    assert set(visible_agents(trainer)) == {agent, agent_other_team}
    assert set(visible_agents(outsider)) == {outsider}  # never anyone of another organisation


def test_token_auth_and_json_errors(api_client, agent, password):
    response = api_client.post(
        "/api/v1/auth/token/", {"username": agent.username, "password": password}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api_client.get("/api/v1/agents/").status_code == 200
    bad = api_client.post(
        "/api/v1/auth/token/", {"username": agent.username, "password": "nope"}, format="json"
    )
    assert bad.status_code == 400
    assert "detail" in bad.json()
    api_client.credentials()
    anonymous = api_client.get("/api/v1/agents/")
    assert anonymous.status_code == 401
    assert "detail" in anonymous.json()
