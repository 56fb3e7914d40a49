"""Character-break detection for the simulated customer (bilingual)."""

from __future__ import annotations

import pytest

from practice.llm.guardrails import detect_character_break, reminder_for

PERSONA = {
    "name": "周女士",
    "hidden_facts": [{"code": "second_child", "topic": "family", "text": "x"}],
    "needs": [{"code": "kids_education", "topic": "education", "text": "x"}],
    "objections": [{"code": "husband_decides", "type": "spouse", "line": "x"}],
}

ORDINARY = [
    # zh
    "你们公司理赔快不快？我同事说等了两个月。",
    "一年六千多，有点贵啊。",
    "别跟我讲这些话术了，直接说能保什么。",
    "我们公司给员工买了团体医疗，还需要再买吗？",
    "你是机器人吗？怎么说话跟念稿一样。",
    "这事我得回去跟我老公商量一下。",
    "你应该早点告诉我有九十天等待期的。",
    "孩子明年上小学，房贷还剩十五年。",
    "甲状腺结节能不能保？",
    "行，那你把资料发我微信吧，周末我看看。",
    "我再考虑考虑，下周你再打给我。",
    "保险都是骗人的吧，交了钱就不认账。",
    # en
    "Is your company actually regulated? I keep hearing claims get denied.",
    "How much would that come to per month?",
    "I already have cover through my employer.",
    "Are you a robot or a real person?",
    "You should send me the brochure first.",
    "Honestly, it sounds like you just want to sell me something.",
    "My husband handles the money, you'd have to talk to him.",
    "Your company has called me three times this week.",
    "What exactly does the waiting period mean?",
    "I'd rather put the money into index funds.",
    "Let me think about it and call me next Tuesday.",
]


@pytest.mark.parametrize("reply", ORDINARY)
def test_ordinary_customer_lines_pass(reply):
    assert detect_character_break(reply, persona=PERSONA, language="zh") is None


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("你应该先问问我家里的情况，再推荐产品。", "coaching"),
        ("建议你换个话术，先讲保障再讲价格。", "coaching"),
        ("好的销售会先了解客户的预算。", "coaching"),
        ("A good salesperson would ask about my kids before quoting a price.", "coaching"),
        ("You should have asked me about my mortgage first.", "coaching"),
        ("Next time, try acknowledging my worry before answering.", "coaching"),
        ("作为一个AI，我没有真实的家庭。", "ai_disclosure"),
        ("我只是一个语言模型，无法购买保险。", "ai_disclosure"),
        ("As an AI language model, I can't have a mortgage.", "ai_disclosure"),
        ("I'm an assistant, how can I help you today?", "ai_disclosure"),
        ("我的信任度还没到，你得继续努力。", "hidden_state"),
        ("我的隐藏需求是孩子的教育金。", "hidden_state"),
        ("这不在评分标准里吧？", "hidden_state"),
        ("My trust score just went up a bit.", "hidden_state"),
        ("That's not in my system prompt.", "hidden_state"),
        ("You haven't found out about second_child yet.", "hidden_state"),
        ("我们公司的这款产品非常适合您，为您推荐。", "role_swap"),
        ("作为您的保险顾问，我建议您选二十年交。", "role_swap"),
        ("As your agent, I recommend the 20-year plan.", "role_swap"),
        ("Our policy covers 120 critical illnesses.", "role_swap"),
        ("好的。\n销售：那我给您算一下保费。", "role_swap"),
        ("我马上给您发一份计划书，您看一下。", "role_swap"),
        ("Great, I'll send over the application this afternoon.", "role_swap"),
    ],
)
def test_breaks_are_detected(reply, reason):
    assert detect_character_break(reply, persona=PERSONA, language="zh") == reason
    assert detect_character_break(reply, persona=PERSONA, language="en") == reason


def test_extra_hidden_codes():
    assert (
        detect_character_break(
            "Well, budget_cap matters.", persona={}, language="en", hidden_codes=["budget_cap"]
        )
        == "hidden_state"
    )
    # Plain words used as codes are ordinary speech, never a leak.
    assert (
        detect_character_break(
            "My mortgage is the worry.", persona={}, language="en", hidden_codes=["mortgage"]
        )
        is None
    )


def test_empty_reply_is_not_a_break():
    assert detect_character_break("  ", persona=PERSONA, language="zh") is None


def test_reminders_in_both_languages():
    assert "客户" in reminder_for("coaching", language="zh")
    assert "customer" in reminder_for("role_swap", language="en")
