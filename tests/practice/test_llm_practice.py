"""Practice with the ``openai`` provider against the local fake OpenAI-compatible server:
streamed customer replies, redaction of personal data, the character-break guardrail, and an
LLM failure that keeps the agent's turn."""

import pytest

from practice import services
from practice.llm.errors import LLMError
from tests.fakes.openai_server import Reply, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def llm(settings, fake_openai):
    settings.LLM_PROVIDER = "openai"
    settings.LLM_BASE_URL = fake_openai.base_url
    settings.LLM_API_KEY = "test-key"
    settings.LLM_TIMEOUT = 2
    settings.LLM_MAX_RETRIES = 0
    return fake_openai


def test_customer_reply_comes_from_the_model_and_pii_is_redacted(llm, agent, scenario_zh):
    llm.push(Reply(text="嗯，我先听听，你们这个保险每年要交多少钱？"))
    conversation = services.session_start(user=agent, scenario=scenario_zh)
    assert conversation.provider == "openai"
    _, reply = services.turn_take(
        conversation=conversation,
        user=agent,
        text="您好，我是李明，手机13812345678，邮箱liming@example.com",
    )
    assert reply.customer_turn.text == "嗯，我先听听，你们这个保险每年要交多少钱？"
    sent = " ".join(m["content"] for m in llm.chat_requests[-1].messages)
    assert "13812345678" not in sent and "liming@example.com" not in sent
    assert "[PHONE]" in sent
    # the engine still keeps the customer's state for the reveal
    conversation.refresh_from_db()
    assert conversation.state["turn"] == 1
    assert reply.customer_turn.completion_tokens > 0


def test_streamed_reply_arrives_in_pieces(llm, agent, scenario_zh):
    llm.push(Reply(text="这个问题我得想想，你先说说保障范围吧。", chunk_size=3))
    conversation = services.session_start(user=agent, scenario=scenario_zh)
    services.turn_submit(conversation=conversation, user=agent, text="您好，我是安澜人寿的李明。")
    run = services.reply_stream(conversation=conversation)
    pieces = list(run)
    assert len(pieces) > 1
    assert "".join(pieces) == run.result.customer_turn.text


def test_character_break_is_regenerated_once_then_flagged(llm, agent, scenario_zh):
    breaking = "作为一个AI语言模型，我建议你先问客户的预算。"
    llm.push(Reply(text=breaking), Reply(text=breaking))
    conversation = services.session_start(user=agent, scenario=scenario_zh)
    services.turn_take(conversation=conversation, user=agent, text="您好，我是安澜人寿的李明。")
    conversation.refresh_from_db()
    assert len(llm.chat_requests) == 2  # regenerated once
    assert any(flag["code"] == "character_break" for flag in conversation.flags)


def test_model_failure_keeps_the_agent_turn_and_a_retry_answers(llm, agent, scenario_zh):
    llm.push(Status(500))
    conversation = services.session_start(user=agent, scenario=scenario_zh)
    services.turn_submit(conversation=conversation, user=agent, text="您好，我是安澜人寿的李明。")
    with pytest.raises(LLMError):
        services.reply_generate(conversation=conversation)
    assert conversation.turns.filter(speaker="agent").count() == 1
    llm.push(Reply(text="你好，你说。"))
    result = services.reply_generate(conversation=conversation)
    assert result.customer_turn.text == "你好，你说。"
