"""Redaction of personal data before text leaves for an external model endpoint.

Agents practise with made-up customers, but they paste real habits: phone numbers, ID-card
numbers, bank cards and e-mail addresses appear in transcripts and in imported calls. Every text
sent to an ``openai`` endpoint passes through :func:`redact_pii` first.

The patterns are anchored on digit boundaries and on the shapes of the identifiers themselves, so
the numbers a sales conversation is full of (premiums "6850元", sums "50万", dates, percentages,
clause numbers "2.3", ages, terms) stay untouched.
"""

from __future__ import annotations

import re
from datetime import date

PLACEHOLDERS = {
    "email": "[EMAIL]",
    "id": "[ID]",
    "card": "[CARD]",
    "phone": "[PHONE]",
}

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# Long digit runs, optionally grouped by single spaces or dashes (cards are written 4-4-4-4).
_LONG_NUMBER = re.compile(r"(?<![\dA-Za-z])\d(?:[ -]?\d){14,18}[0-9Xx]?(?![\dA-Za-z])")

# Mainland mobile numbers: 1[3-9]x xxxx xxxx, optionally +86 / 0086, spaces or dashes between.
_MOBILE = re.compile(r"(?<![\d+])(?:(?:\+|00)?86[ -]?)?1[3-9]\d(?:[ -]?\d{4}){2}(?!\d)")

# Landlines: area code 0xx/0xxx (optionally in brackets) then a 7-8 digit number; extension.
_LANDLINE = re.compile(
    r"(?<!\d)(?:\(0\d{2,3}\)|（0\d{2,3}）|0\d{2,3})[ -]?[2-9]\d{2,3}[ -]?\d{4}"
    r"(?:[ -]?(?:转|ext\.?|x)[ -]?\d{1,5})?(?!\d)",
    re.IGNORECASE,
)

# A bare 7-8 digit local number only counts when the text says it is a phone number.
_LOCAL_WITH_CUE = re.compile(
    r"((?:电话|座机|手机|联系方式|tel|phone|call me (?:on|at))[:：]?\s*(?:是|为|is)?\s*)"
    r"([2-9]\d{2,3}[ -]?\d{4})(?!\d)",
    re.IGNORECASE,
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK_CHARS = "10X98765432"


def id_checksum_ok(number: str) -> bool:
    """The ISO 7064 MOD 11-2 check character of an 18-character resident ID number."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK_CHARS[total % 11] == number[17].upper()


def id_shaped(number: str) -> bool:
    """Region code plus a plausible birth date: an ID number even if its checksum is wrong."""
    if len(number) != 18 or not number[:17].isdigit() or number[0] == "0":
        return False
    if not (number[17].isdigit() or number[17] in "Xx"):
        return False
    year, month, day = int(number[6:10]), int(number[10:12]), int(number[12:14])
    if not 1900 <= year <= date.today().year:
        return False
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def luhn_ok(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def _classify_long_number(raw: str) -> str | None:
    compact = re.sub(r"[ -]", "", raw)
    if len(compact) == 18 and (id_checksum_ok(compact) or id_shaped(compact)):
        return "id"
    if len(compact) == 18 and compact[:17].isdigit() and compact[17] in "Xx":
        return "id"  # only ID numbers end in X, whatever their date or checksum
    if not compact.isdigit():
        return None
    if 16 <= len(compact) <= 19:
        # Luhn-valid runs are certainly cards; other 16-19 digit runs are still account-like and
        # nothing a sales conversation needs to send out, so they are redacted as well.
        return "card"
    return None


def redact_pii(text: str) -> tuple[str, dict[str, int]]:
    """Replace personal identifiers with ``[PHONE]``, ``[ID]``, ``[CARD]``, ``[EMAIL]``.

    Returns the redacted text and the number of replacements per kind (only kinds that occurred).
    """
    counts: dict[str, int] = {}

    def bump(kind: str) -> str:
        counts[kind] = counts.get(kind, 0) + 1
        return PLACEHOLDERS[kind]

    if not text:
        return text, counts

    text = _EMAIL.sub(lambda m: bump("email"), text)

    def long_number(match: re.Match[str]) -> str:
        kind = _classify_long_number(match.group(0))
        return bump(kind) if kind else match.group(0)

    text = _LONG_NUMBER.sub(long_number, text)
    text = _MOBILE.sub(lambda m: bump("phone"), text)
    text = _LANDLINE.sub(lambda m: bump("phone"), text)
    text = _LOCAL_WITH_CUE.sub(lambda m: m.group(1) + bump("phone"), text)
    return text, counts


def redact_messages(messages: list[dict]) -> tuple[list[dict], dict[str, int]]:
    """Redact the ``content`` of chat messages; returns new messages and the summed counts."""
    total: dict[str, int] = {}
    cleaned: list[dict] = []
    for message in messages:
        content = message.get("content")
        if isinstance(content, str):
            content, counts = redact_pii(content)
            for kind, n in counts.items():
                total[kind] = total.get(kind, 0) + n
        cleaned.append({**message, "content": content})
    return cleaned, total
