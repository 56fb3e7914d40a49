"""LLM faults during a practice turn (``openai`` provider against the fake server over HTTP).

Whatever the endpoint does — time out, answer 429 again and again, fail with 500, send a broken
body, or cut a streamed reply — the agent gets a clear "try again" answer, the agent's message is
kept, and a retry produces the customer's reply. Scoring faults are covered by the scoring worker
tests; this module covers the turn side.
"""

import pytest

from practice.models import Conversation, Turn
from tests.fakes.openai_server import Delay, Malformed, Reply, Status, StreamCut

pytestmark = pytest.mark.django_db

AGENT_TEXT = "您好，我是安澜人寿的顾问李明，想先了解一下您家里的情况，孩子多大了？"


@pytest.fixture
def llm(settings, fake_openai):
    settings.LLM_PROVIDER = "openai"
    settings.LLM_BASE_URL = fake_openai.base_url
    settings.LLM_API_KEY = "test-key"
    settings.LLM_TIMEOUT = 0.5
    settings.LLM_MAX_RETRIES = 1
    return fake_openai


def start_session(api_client, agent, scenario) -> int:
    api_client.force_authenticate(agent)
    response = api_client.post("/api/v1/sessions/", {"scenario": scenario.pk}, format="json")
    assert response.status_code == 201, response.content
    conversation = Conversation.objects.get(pk=response.json()["id"])
    assert conversation.provider == "openai"
    return conversation.pk


FAULTS = {
    # name: (behaviours pushed, expected status, expected code)
    "timeout": ([Delay(2.0), Delay(2.0)], 504, "timeout"),
    "429_storm": ([Status(429)] * 4, 503, "rate_limited"),
    "500": ([Status(500)] * 4, 503, "unavailable"),
    "broken_body": ([Malformed(raw=True)] * 2, 502, "malformed_output"),
    "stream_cut": ([StreamCut()], 502, "malformed_output"),
}


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_api_turn_fault_answers_retry_message_and_keeps_agent_turn(
    api_client, agent, scenario_zh, llm, fault
):
    behaviours, status, code = FAULTS[fault]
    session_id = start_session(api_client, agent, scenario_zh)
    llm.push(*behaviours)

    response = api_client.post(
        f"/api/v1/sessions/{session_id}/turns/", {"text": AGENT_TEXT}, format="json"
    )

    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code
    assert body["retry"] is True
    assert body["detail"] and "Traceback" not in body["detail"]
    # the technical detail (URLs, HTTP bodies) stays in the logs
    assert "127.0.0.1" not in body["detail"]
    turns = list(Turn.objects.filter(conversation_id=session_id).order_by("index"))
    assert [t.speaker for t in turns] == ["customer", "agent"]
    assert turns[1].text == AGENT_TEXT
    # the reply lock is released, so a retry is not refused as "in progress"
    assert Conversation.objects.get(pk=session_id).turn_in_progress_until is None


@pytest.mark.parametrize("fault", ["timeout", "stream_cut"])
def test_html_retry_after_fault_produces_the_reply(
    api_client, agent, scenario_zh, llm, login, fault
):
    behaviours, _status, _code = FAULTS[fault]
    session_id = start_session(api_client, agent, scenario_zh)
    llm.push(*behaviours)
    client = login(agent)

    # htmx submit: the agent's words are stored at once...
    response = client.post(
        f"/practice/sessions/{session_id}/say/", {"text": AGENT_TEXT}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    # ...then the streamed reply fails and the page offers to try again
    stream = client.get(f"/practice/sessions/{session_id}/reply/")
    body = b"".join(stream.streaming_content).decode()
    assert 'data-testid="reply-failed"' in body
    assert f"/practice/sessions/{session_id}/reply/retry/" in body
    assert Turn.objects.filter(conversation_id=session_id).count() == 2

    llm.push(Reply(text="孩子今年五岁了，你们这个保险大概多少钱？"))
    retry = client.post(f"/practice/sessions/{session_id}/reply/retry/")
    assert retry.status_code == 302
    turns = list(Turn.objects.filter(conversation_id=session_id).order_by("index"))
    assert [t.speaker for t in turns] == ["customer", "agent", "customer"]
    assert turns[1].text == AGENT_TEXT
    assert turns[2].text == "孩子今年五岁了，你们这个保险大概多少钱？"


def test_api_retry_after_fault_produces_the_reply(api_client, agent, scenario_zh, llm):
    """An API client answered 5xx with ``retry: true`` can get the reply by sending again."""
    session_id = start_session(api_client, agent, scenario_zh)
    llm.push(Status(500), Status(500))
    url = f"/api/v1/sessions/{session_id}/turns/"
    assert api_client.post(url, {"text": AGENT_TEXT}, format="json").status_code == 503

    llm.push(Reply(text="孩子今年五岁了。"))
    again = api_client.post(url, {"text": AGENT_TEXT}, format="json")

    assert again.status_code == 201, again.content
    body = again.json()
    assert body["agent_turn"]["index"] == 1
    assert body["customer_turn"]["text"] == "孩子今年五岁了。"
    assert Turn.objects.filter(conversation_id=session_id, speaker="agent").count() == 1
