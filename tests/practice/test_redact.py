"""PII redaction before text leaves for an external model endpoint."""

from __future__ import annotations

import pytest

from practice.llm.redact import id_checksum_ok, luhn_ok, redact_messages, redact_pii

VALID_ID = "110105199003071239"  # checksum-valid, made up
VALID_CARD = "6222021234567890128"  # Luhn-valid, made up


def test_checksums_of_fixtures():
    assert id_checksum_ok(VALID_ID)
    assert not id_checksum_ok("110105199003071230")
    assert luhn_ok(VALID_CARD)


@pytest.mark.parametrize(
    "text",
    [
        "我的手机是13812345678",
        "手机 138 1234 5678",
        "打 138-1234-5678 找我",
        "+86 138 1234 5678",
        "+8613812345678",
        "0086-13812345678",
        "call me at +86 139 8765 4321",
    ],
)
def test_mobile_numbers(text):
    redacted, counts = redact_pii(text)
    assert counts == {"phone": 1}
    assert "[PHONE]" in redacted
    assert not any(ch.isdigit() for ch in redacted.replace("[PHONE]", ""))


@pytest.mark.parametrize(
    "text",
    ["座机010-87654321", "办公室 0755 2654 3210", "(021)62345678", "电话 0571-88886666转302"],
)
def test_landlines(text):
    redacted, counts = redact_pii(text)
    assert counts == {"phone": 1}, redacted


def test_local_number_only_with_a_cue():
    assert redact_pii("家里电话 87654321")[1] == {"phone": 1}
    assert redact_pii("保额87654321元")[1] == {}


def test_resident_id_numbers():
    assert redact_pii(f"身份证号{VALID_ID}。")[0] == "身份证号[ID]。"
    # Wrong checksum but a plausible birth date: still redacted.
    assert redact_pii("身份证 110105199003071230")[1] == {"id": 1}
    assert redact_pii("ID 44030119850101999x")[1] == {"id": 1}


def test_bank_cards():
    assert redact_pii(f"卡号{VALID_CARD}")[0] == "卡号[CARD]"
    assert redact_pii("card 6222 0212 3456 7890 128 please")[0] == "card [CARD] please"
    assert redact_pii("4111-1111-1111-1111")[1] == {"card": 1}


def test_emails():
    redacted, counts = redact_pii("发到 li.na+ins@mail.example.com.cn 或 ZHANG@Example.COM")
    assert counts == {"email": 2}
    assert "@" not in redacted


@pytest.mark.parametrize(
    "text",
    [
        "年交保费6850元，保额50万，交20年，保到70岁。",
        "2024-05-01生效，2025年3月15日到期，犹豫期15天，等待期90天。",
        "预定利率2.5%，演示收益率3.5%，不保证。",
        "请看条款2.3和第十七条（三），以及第5.1.2款。",
        "总保费1380000元，身故赔付1500000元。",
        "The annual premium is 6,850 yuan for a 500,000 sum assured; 20 years, to age 70.",
        "客服热线95519，保单号码稍后发您。",
    ],
)
def test_ordinary_numbers_untouched(text):
    assert redact_pii(text) == (text, {})


def test_mixed_counts_and_messages():
    messages = [
        {"role": "system", "content": "你是客户。"},
        {"role": "user", "content": f"留个电话13912345678，卡号{VALID_CARD}。"},
        {"role": "assistant", "content": f"我的身份证是{VALID_ID}，邮箱a@b.cn"},
    ]
    cleaned, counts = redact_messages(messages)
    assert counts == {"phone": 1, "card": 1, "id": 1, "email": 1}
    assert cleaned[0] == messages[0]
    assert messages[1]["content"].startswith("留个电话139")  # input not mutated
