"""Practice sessions through the API (DESIGN §7): start, turns, limits, finish, scorecard."""

import pytest

from practice.models import Conversation, Scorecard, Turn

pytestmark = pytest.mark.django_db


def start(api_client, user, scenario):
    api_client.force_authenticate(user)
    response = api_client.post("/api/v1/sessions/", {"scenario": scenario.pk}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_start_session_customer_opens(api_client, agent, scenario_zh):
    body = start(api_client, agent, scenario_zh)
    assert body["status"] == "active"
    assert len(body["turns"]) == 1
    assert body["turns"][0]["speaker"] == "customer"
    assert body["turns"][0]["text"]


def test_turn_answers_with_customer_reply_alerts_and_hints(api_client, agent, scenario_zh):
    session = start(api_client, agent, scenario_zh)
    response = api_client.post(
        f"/api/v1/sessions/{session['id']}/turns/",
        {
            "text": "您好，我是安澜人寿的顾问李明，工号A12345。想先了解一下您家里的情况，孩子多大了？"
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["agent_turn"]["speaker"] == "agent" and body["agent_turn"]["index"] == 1
    assert body["customer_turn"]["speaker"] == "customer" and body["customer_turn"]["index"] == 2
    assert body["customer_turn"]["text"]
    assert body["alerts"] == []
    assert isinstance(body["hints"], list)


def test_guaranteed_return_message_raises_alert(api_client, agent, scenario_zh):
    session = start(api_client, agent, scenario_zh)
    response = api_client.post(
        f"/api/v1/sessions/{session['id']}/turns/",
        {"text": "这款产品稳赚不赔，收益是保证的"},
        format="json",
    )
    assert response.status_code == 201
    rules = [alert["rule"] for alert in response.json()["alerts"]]
    assert "guaranteed_return" in rules
    alert = next(a for a in response.json()["alerts"] if a["rule"] == "guaranteed_return")
    assert alert["severity"] == "serious"


@pytest.mark.parametrize("text", ["", "   ", "字" * 2001])
def test_empty_or_oversize_message_is_a_clear_400(api_client, agent, scenario_zh, text):
    session = start(api_client, agent, scenario_zh)
    response = api_client.post(
        f"/api/v1/sessions/{session['id']}/turns/", {"text": text}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["detail"]
    assert Turn.objects.filter(conversation_id=session["id"]).count() == 1  # nothing stored


def test_double_submit_is_refused_while_reply_pending(agent, scenario_zh):
    from config.errors import Conflict
    from practice import services

    conversation = services.session_start(user=agent, scenario=scenario_zh)
    services.turn_submit(conversation=conversation, user=agent, text="您好，请问您现在方便吗？")
    with pytest.raises(Conflict):
        services.turn_submit(conversation=conversation, user=agent, text="再说一句")
    # the pending reply still arrives, and the agent's words were kept
    result = services.reply_generate(conversation=conversation)
    assert result.customer_turn.index == 2
    assert conversation.turns.count() == 3


def test_finish_queues_scoring_and_scorecard_is_pending_then_scored(api_client, agent, scenario_zh):
    from practice.scoring.pipeline import scorecard_score

    session = start(api_client, agent, scenario_zh)
    api_client.post(
        f"/api/v1/sessions/{session['id']}/turns/",
        {"text": "您好，我是安澜人寿的李明。"},
        format="json",
    )
    response = api_client.post(f"/api/v1/sessions/{session['id']}/finish/")
    assert response.status_code == 202
    assert response.json()["status"] == "pending"
    pending = api_client.get(f"/api/v1/sessions/{session['id']}/scorecard/")
    assert pending.status_code == 202 and pending.json() == {"status": "pending"}

    scorecard = Scorecard.objects.get(conversation_id=session["id"])
    scorecard_score(scorecard_id=scorecard.pk)
    done = api_client.get(f"/api/v1/sessions/{session['id']}/scorecard/")
    assert done.status_code == 200
    body = done.json()
    assert body["status"] in {"scored", "needs_review"}
    assert 0 <= body["overall"] <= 100
    assert {c["code"] for c in body["checkpoints"]} >= {
        "identity_disclosed",
        "cooling_off_disclosed",
    }
    assert all("rationale" in c and "evidence" in c for c in body["criteria"])
    # finishing again is harmless and yields the same scorecard
    again = api_client.post(f"/api/v1/sessions/{session['id']}/finish/")
    assert again.status_code == 202
    assert Scorecard.objects.filter(conversation_id=session["id"]).count() == 1


def test_finished_session_takes_no_more_turns(api_client, agent, scenario_zh):
    session = start(api_client, agent, scenario_zh)
    api_client.post(f"/api/v1/sessions/{session['id']}/turns/", {"text": "您好"}, format="json")
    api_client.post(f"/api/v1/sessions/{session['id']}/finish/")
    response = api_client.post(
        f"/api/v1/sessions/{session['id']}/turns/", {"text": "还在吗"}, format="json"
    )
    assert response.status_code == 409


def test_other_organisation_and_other_agent_get_404(
    api_client, agent, agent_other_team, outsider, scenario_zh
):
    session = start(api_client, agent, scenario_zh)
    for intruder in (outsider, agent_other_team):
        api_client.force_authenticate(intruder)
        for method, path in (
            ("get", f"/api/v1/sessions/{session['id']}/"),
            ("post", f"/api/v1/sessions/{session['id']}/turns/"),
            ("post", f"/api/v1/sessions/{session['id']}/finish/"),
            ("get", f"/api/v1/sessions/{session['id']}/scorecard/"),
        ):
            response = getattr(api_client, method)(path, {"text": "hi"}, format="json")
            assert response.status_code == 404, (intruder.username, path)
    api_client.force_authenticate(outsider)
    response = api_client.post("/api/v1/sessions/", {"scenario": scenario_zh.pk}, format="json")
    assert response.status_code == 404
    assert Conversation.objects.filter(agent=outsider).count() == 0


def test_same_seed_replays_exactly(agent, scenario_en):
    from practice import services

    messages = [
        "Hi, I'm Li Ming from Anlan Life, licence A12345. Is now a good time?",
        "Could you tell me a bit about your family and who depends on your income?",
        "I understand. What worries you most if you couldn't work for a while?",
    ]
    replies = []
    for _ in range(2):
        conversation = services.session_start(user=agent, scenario=scenario_en, seed=4242)
        for text in messages:
            services.turn_take(conversation=conversation, user=agent, text=text)
        replies.append(list(conversation.turns.order_by("index").values_list("text", flat=True)))
    assert replies[0] == replies[1]


def test_turn_query_count_does_not_grow_with_the_conversation(api_client, agent, scenario_zh):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    session = start(api_client, agent, scenario_zh)
    lines = [
        "您好，我是安澜人寿的顾问李明，执业证号A12345。",
        "想了解一下您家里的情况，孩子多大了？",
        "您平时身体怎么样？",
        "您现在有哪些保险？",
        "您每年大概能拿出多少预算？",
        "您最担心的是什么？",
    ]
    counts = []
    for text in lines:
        with CaptureQueriesContext(connection) as queries:
            response = api_client.post(
                f"/api/v1/sessions/{session['id']}/turns/", {"text": text}, format="json"
            )
        assert response.status_code == 201
        counts.append(len(queries))
    assert max(counts) <= 30, counts
    assert counts[-1] <= counts[1] + 2, counts  # no growth with the number of turns
