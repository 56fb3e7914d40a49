"""The ``openai`` provider and the LLM customer against a real local fake endpoint over HTTP."""

# The imported fixture is requested by parameter name, which pyflakes reads as a redefinition.
# ruff: noqa: F811

from __future__ import annotations

import json
import time

import pytest

from practice.llm.config import LLMConfig
from practice.llm.customer import LLMCustomer, build_customer_prompt
from practice.llm.errors import (
    LLMBudgetExceeded,
    LLMError,
    LLMMalformedOutput,
    LLMRateLimited,
    LLMTimeout,
    LLMUnavailable,
)
from practice.llm.judge import JUDGE_SCHEMA, judge_transcript
from practice.llm.openai_provider import OpenAIProvider
from tests.fakes import Delay, Malformed, Reply, Status, StreamCut, Truncated
from tests.fakes.fixtures import fake_openai  # noqa: F401

pytestmark = pytest.mark.timeout(30)

MESSAGES = [{"role": "user", "content": "你好，我是安心保险的小王。"}]

SCENARIO = {
    "code": "zh-test-young-father",
    "language": "zh",
    "persona": {
        "name": "赵先生",
        "public_profile": "32岁，程序员，已婚。",
        "temperament": "cautious",
        "initial_trust": 40,
        "buy_threshold": 70,
        "patience": 8,
        "opening_line": "喂，你好，哪位？",
        "hidden_facts": [
            {"code": "baby_due", "topic": "family", "text": "太太下个月就要生孩子了。"},
        ],
        "needs": [
            {
                "code": "cover_mortgage",
                "topic": "goals",
                "text": "万一自己出事，房贷不能落到太太身上。",
            }
        ],
        "objections": [
            {
                "code": "premium_too_high",
                "type": "price",
                "line": "一年好几千，压力有点大。",
                "trigger": {"topic": "budget"},
                "resolved_by": ["cost_breakdown"],
                "resolved_line": "这么算的话倒也能接受。",
            }
        ],
    },
}


def provider_for(fake, **kwargs) -> OpenAIProvider:
    options = {"timeout": 2.0, "max_retries": 2}
    options.update(kwargs)
    return OpenAIProvider(base_url=fake.base_url, api_key="test-key", **options)


def test_complete_plain(fake_openai):
    fake_openai.push(Reply(text="您好，请讲。", prompt_tokens=11, completion_tokens=5))
    completion = provider_for(fake_openai).complete(MESSAGES, model="fake-customer")
    assert completion.text == "您好，请讲。"
    assert (completion.prompt_tokens, completion.completion_tokens) == (11, 5)
    assert completion.model == "fake-customer"
    assert completion.latency_ms >= 0
    request = fake_openai.chat_requests[0]
    assert request.body["messages"] == MESSAGES
    assert request.body["max_tokens"] == 400
    assert request.headers.get("authorization") == "Bearer test-key"


def test_stream_yields_deltas_and_usage(fake_openai):
    fake_openai.push(Reply(text="这个保险一年要多少钱？", chunk_size=3, completion_tokens=9))
    provider = provider_for(fake_openai)
    result = provider.stream(MESSAGES, model="fake-customer")
    deltas = list(result)
    assert len(deltas) > 1
    assert "".join(deltas) == "这个保险一年要多少钱？"
    assert result.completion is not None
    assert result.completion.completion_tokens == 9
    assert provider.last_completion == result.completion
    assert fake_openai.chat_requests[0].body["stream_options"] == {"include_usage": True}


def test_complete_json_sends_schema_and_parses(fake_openai):
    answer = {"criteria": [], "findings": [], "checkpoints": [], "flags": []}
    fake_openai.push(Reply(json=answer))
    data, completion = provider_for(fake_openai).complete_json(
        MESSAGES, model="fake-judge", schema=JUDGE_SCHEMA, schema_name="scorecard"
    )
    assert data == answer
    assert completion.finish_reason == "stop"
    sent = fake_openai.chat_requests[0].body["response_format"]
    assert sent["type"] == "json_schema"
    assert sent["json_schema"]["name"] == "scorecard"
    assert sent["json_schema"]["strict"] is True
    assert sent["json_schema"]["schema"] == JUDGE_SCHEMA


def test_complete_json_schema_mismatch(fake_openai):
    fake_openai.push(Reply(json={"criteria": "none"}))
    with pytest.raises(LLMMalformedOutput):
        provider_for(fake_openai).complete_json(
            MESSAGES, model="fake-judge", schema=JUDGE_SCHEMA, schema_name="scorecard"
        )


def test_rate_limited_then_success_is_retried(fake_openai):
    fake_openai.push(Status(429), Reply(text="好的。"))
    completion = provider_for(fake_openai).complete(MESSAGES, model="fake-customer")
    assert completion.text == "好的。"
    assert len(fake_openai.chat_requests) == 2


def test_rate_limited_until_retries_exhausted(fake_openai):
    fake_openai.push(Status(429), Status(429))
    with pytest.raises(LLMRateLimited) as raised:
        provider_for(fake_openai, max_retries=1).complete(MESSAGES, model="fake-customer")
    assert raised.value.message  # user-safe text
    assert len(fake_openai.chat_requests) == 2


def test_timeout(fake_openai):
    fake_openai.push(Delay(1.5))
    started = time.monotonic()
    with pytest.raises(LLMTimeout):
        provider_for(fake_openai, timeout=0.2, max_retries=0).complete(
            MESSAGES, model="fake-customer"
        )
    assert time.monotonic() - started < 1.4


def test_server_error_retried_then_unavailable(fake_openai):
    fake_openai.push(Status(500), Status(502), Status(503))
    with pytest.raises(LLMUnavailable):
        provider_for(fake_openai, max_retries=2).complete(MESSAGES, model="fake-customer")
    assert len(fake_openai.chat_requests) == 3


def test_connection_refused_is_unavailable(fake_openai):
    base_url = fake_openai.base_url
    fake_openai.stop()
    provider = OpenAIProvider(base_url=base_url, api_key="k", timeout=0.5, max_retries=0)
    with pytest.raises(LLMUnavailable):
        provider.complete(MESSAGES, model="fake-customer")


def test_client_error_is_not_retried(fake_openai):
    fake_openai.push(Status(400, message="bad model"))
    with pytest.raises(LLMError) as raised:
        provider_for(fake_openai).complete(MESSAGES, model="nope")
    assert type(raised.value) is LLMError
    assert len(fake_openai.chat_requests) == 1


def test_malformed_json_content(fake_openai):
    fake_openai.push(Malformed(body="{not json"))
    with pytest.raises(LLMMalformedOutput):
        provider_for(fake_openai).complete_json(
            MESSAGES, model="fake-judge", schema=JUDGE_SCHEMA, schema_name="scorecard"
        )


def test_malformed_http_body(fake_openai):
    fake_openai.push(Malformed(body="{not json", raw=True))
    with pytest.raises(LLMMalformedOutput):
        provider_for(fake_openai).complete(MESSAGES, model="fake-customer")


def test_truncated_json(fake_openai):
    fake_openai.push(Truncated())
    with pytest.raises(LLMMalformedOutput) as raised:
        provider_for(fake_openai).complete_json(
            MESSAGES, model="fake-judge", schema=JUDGE_SCHEMA, schema_name="scorecard"
        )
    assert "length" in raised.value.detail


def test_stream_cut(fake_openai):
    fake_openai.push(StreamCut(chunks_before_cut=2))
    result = provider_for(fake_openai).stream(MESSAGES, model="fake-customer")
    received = []
    with pytest.raises(LLMMalformedOutput):
        for delta in result:
            received.append(delta)
    assert len(received) == 2
    assert result.completion is None


def test_token_budget(fake_openai):
    provider = provider_for(fake_openai, token_budget=50)
    fake_openai.push(Reply(text="好。", prompt_tokens=40, completion_tokens=20))
    provider.complete(MESSAGES, model="fake-customer")
    with pytest.raises(LLMBudgetExceeded):
        provider.complete(MESSAGES, model="fake-customer")
    assert len(fake_openai.chat_requests) == 1


def test_models_endpoint(fake_openai):
    models = provider_for(fake_openai).client.models.list()
    assert {m.id for m in models.data} >= {"fake-customer"}


# -- the customer -----------------------------------------------------------------------------


def customer_for(fake) -> LLMCustomer:
    return LLMCustomer(SCENARIO, provider=provider_for(fake), model="fake-customer")


HISTORY = [
    {"speaker": "customer", "text": "喂，你好，哪位？"},
    {"speaker": "agent", "text": "赵先生您好，我是安心保险的顾问小王，您家里现在几口人？"},
]


def test_customer_reply_in_character(fake_openai):
    fake_openai.push(Reply(text="客户：我和太太两个人，很快要变三个了。"))
    reply = customer_for(fake_openai).reply(HISTORY)
    assert reply.text == "我和太太两个人，很快要变三个了。"
    assert reply.character_break is None
    assert not reply.regenerated
    sent = fake_openai.chat_requests[0].body["messages"]
    assert sent[0]["role"] == "system"
    assert "赵先生" in sent[0]["content"]
    assert [m["role"] for m in sent[1:]] == ["assistant", "user"]


def test_customer_break_is_regenerated_once(fake_openai):
    fake_openai.push(
        Reply(text="你应该先问问我的预算，再介绍产品，这样更容易成交。"),
        Reply(text="家里就我和太太，她快生了。"),
    )
    reply = customer_for(fake_openai).reply(HISTORY)
    assert len(fake_openai.chat_requests) == 2
    assert reply.text == "家里就我和太太，她快生了。"
    assert reply.regenerated
    assert reply.character_break is None
    retry_prompt = fake_openai.chat_requests[1].body["messages"][0]["content"]
    assert "指导" in retry_prompt  # the reminder rides along with the regeneration


def test_customer_from_config_and_token_totals(fake_openai):
    config = LLMConfig(
        provider="openai",
        base_url=fake_openai.base_url,
        api_key="k",
        customer_model="fake-customer",
        timeout=2.0,
        max_retries=0,
    )
    fake_openai.push(
        Reply(text="I'm an AI, I don't have a family.", prompt_tokens=100, completion_tokens=10),
        Reply(text="就我和太太。", prompt_tokens=110, completion_tokens=6),
    )
    reply = LLMCustomer.for_scenario(SCENARIO, config=config).reply(HISTORY)
    assert reply.text == "就我和太太。"
    assert reply.model == "fake-customer"
    assert (reply.prompt_tokens, reply.completion_tokens) == (210, 16)
    assert fake_openai.chat_requests[0].body["model"] == "fake-customer"


def test_customer_persistent_break_is_flagged(fake_openai):
    fake_openai.push(
        Reply(text="作为一个AI，我没有家庭。"),
        Reply(text="作为一个AI语言模型，我无法回答。"),
    )
    reply = customer_for(fake_openai).reply(HISTORY)
    assert len(fake_openai.chat_requests) == 2
    assert reply.character_break == "ai_disclosure"
    assert reply.attempts == 2


def test_customer_redacts_pii_before_sending(fake_openai):
    history = [
        *HISTORY,
        {"speaker": "customer", "text": "你加我吧，手机 139-1234-5678。"},
        {
            "speaker": "agent",
            "text": "好的，我的邮箱是 wang.agent@example.com，身份证号也发您 110105199003071239。",
        },
    ]
    fake_openai.push(Reply(text="行，我看看。"))
    reply = customer_for(fake_openai).reply(history)
    sent = fake_openai.chat_requests[0].text
    assert "139-1234-5678" not in sent and "[PHONE]" in sent
    assert "wang.agent@example.com" not in sent and "[EMAIL]" in sent
    assert "110105199003071239" not in sent and "[ID]" in sent
    assert reply.redactions == {"phone": 1, "email": 1, "id": 1}


def test_customer_stream(fake_openai):
    fake_openai.push(Reply(text="我太太下个月就生了，所以想给自己补点保障。", chunk_size=3))
    stream = customer_for(fake_openai).stream(HISTORY)
    text = "".join(stream)
    assert text == "我太太下个月就生了，所以想给自己补点保障。"
    assert stream.result is not None
    assert stream.result.text == text
    assert stream.result.completion is not None
    assert stream.result.completion_tokens == 17


def test_customer_stream_break_is_replaced(fake_openai):
    fake_openai.push(
        Reply(text="As an AI language model, I cannot pretend to have a family.", chunk_size=5),
        Reply(text="就我和太太两个人。"),
    )
    stream = customer_for(fake_openai).reply(HISTORY, stream=True)
    shown = "".join(stream)
    assert "AI" not in shown  # held back until it passed the guardrail
    assert stream.result.text == "就我和太太两个人。"
    assert stream.result.regenerated
    assert len(fake_openai.chat_requests) == 2


def test_customer_prompt_english():
    scenario = {
        **SCENARIO,
        "language": "en",
        "persona": {**SCENARIO["persona"], "name": "Mr Zhao"},
    }
    prompt = build_customer_prompt(scenario, agent_turns=3)
    assert "You are Mr Zhao" in prompt
    assert "Reply in English" in prompt
    assert "spoken 3 times" in prompt
    assert "breaks the premium down" in prompt  # resolution move in plain words, not its code


# -- the judge round trip ---------------------------------------------------------------------


def test_judge_round_trip_verifies_and_redacts(fake_openai):
    transcript = [
        {"speaker": "agent", "text": "您好，我是安心保险的顾问小王，电话13912345678。"},
        {"speaker": "customer", "text": "嗯，你说。"},
        {"speaker": "agent", "text": "这款产品稳赚不赔，每年保底收益8%。"},
    ]
    answer = {
        "criteria": [
            {
                "criterion": "opening",
                "skill": "opening",
                "score": 4,
                "max_score": 5,
                "rationale": "表明了身份",
                "evidence": [{"turn": 0, "quote": "我是安心保险的顾问小王"}],
            }
        ],
        "findings": [
            {"rule": "guaranteed_return", "turn": 2, "quote": "稳赚不赔", "confidence": 0.9},
            {"rule": "false_urgency", "turn": 2, "quote": "今天不买明天就涨价", "confidence": 0.6},
        ],
        "checkpoints": [{"code": "identity_disclosed", "reached": True, "turn": 0}],
        "flags": [],
    }
    fake_openai.push(Reply(json=answer))
    outcome = judge_transcript(
        provider_for(fake_openai),
        model="fake-judge",
        transcript=transcript,
        rubric={"criteria": [{"code": "opening", "skill": "opening", "max_score": 5}]},
        rules=[{"code": "guaranteed_return", "severity": "serious"}],
        language="zh",
    )
    assert "13912345678" not in fake_openai.chat_requests[0].text
    assert [f["rule"] for f in outcome.result["findings"]] == ["guaranteed_return"]
    codes = [f["code"] for f in outcome.flags]
    assert codes.count("unverified_evidence") == 1
    assert "redacted_pii" in codes
    assert outcome.needs_review
    assert json.loads(json.dumps(outcome.result))  # plain JSON, storable as is
