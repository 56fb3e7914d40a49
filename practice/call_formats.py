"""Parsers of call transcripts uploaded for quality checks: JSON, CSV and plain text.

Plain text is one turn per line, ``坐席：`` / ``客户：`` or ``Agent:`` / ``Customer:`` first (either
colon); a line without such a prefix continues the turn above. A line that starts like a speaker
label (one word, or two or three Chinese characters, then a colon) but names an unknown speaker
is an error, not a continuation.

Every parser is all or nothing: one bad line refuses the whole file with a :class:`CallFormatError`
that names the line and the reason, so a half-imported call can never be scored.

Encoding: files must be UTF-8 (a byte-order mark is accepted). CSV and plain-text exports from
Chinese Windows tools are often GB18030/GBK, so for those two formats a file that is not valid
UTF-8 is decoded as GB18030 — but only when the result reads as Chinese text (a real share of CJK
characters); anything else is refused with a message asking for UTF-8. JSON is always UTF-8
(RFC 8259), so a JSON file that is not is refused.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from practice.scoring.detector import detect_language

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_TURNS = 500
MAX_TURN_CHARS = 5000

# Speaker labels as they appear in exports, mapped to the two roles of a conversation.
SPEAKER_LABELS = {
    "agent": "agent",
    "坐席": "agent",
    "销售": "agent",
    "顾问": "agent",
    "客服": "agent",
    "业务员": "agent",
    "代理人": "agent",
    "sales": "agent",
    "advisor": "agent",
    "customer": "customer",
    "客户": "customer",
    "client": "customer",
}

_CJK = re.compile(r"[\u4e00-\u9fff]")
# "坐席：text" / "Agent: text"; optional bracketed time stamps before the label are allowed.
_PREFIX = re.compile(
    r"^\s*(?:\[[^\]]{0,20}\]\s*)?(?P<label>[A-Za-z]+|[\u4e00-\u9fff]{2,3})\s*[:：]\s*(?P<text>.*)$"
)


class CallFormatError(ValueError):
    """A file that cannot be imported; ``line`` is 1-based (``None`` for whole-file problems)."""

    def __init__(self, message: str, *, line: int | None = None):
        self.line = line
        self.reason = message
        if line is not None:
            message = _("Line %(line)s: %(reason)s") % {"line": line, "reason": message}
        super().__init__(message)
        self.message = message


@dataclass
class ParsedCall:
    turns: list[dict[str, str]]
    title: str = ""
    language: str = ""
    format: str = ""
    encoding: str = "utf-8"
    meta: dict = field(default_factory=dict)


def speaker_code(label: object) -> str | None:
    """``agent``/``customer`` for a known speaker label (any case), else ``None``."""
    if not isinstance(label, str):
        return None
    return SPEAKER_LABELS.get(label.strip().lower())


def guess_language(turns: list[dict[str, str]]) -> str:
    return detect_language(" ".join(t["text"] for t in turns[:50]))


def _decode(data: bytes, *, allow_gb18030: bool) -> tuple[str, str]:
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if allow_gb18030:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            text = ""
        letters = sum(1 for ch in text if ch.isalpha())
        if text and letters and len(_CJK.findall(text)) / letters > 0.3:
            return text, "gb18030"
    raise CallFormatError(
        _("The file is not UTF-8 text (byte %(position)s). Save it as UTF-8 and upload it again.")
        % {"position": utf8_error.start + 1}
    )


def _check_turn(index_line: int, speaker: object, text: object) -> dict[str, str]:
    code = speaker_code(speaker)
    if code is None:
        raise CallFormatError(
            _("unknown speaker %(speaker)s (use agent/customer or 坐席/客户)")
            % {"speaker": json.dumps(speaker, ensure_ascii=False)},
            line=index_line,
        )
    if not isinstance(text, str) or not text.strip():
        raise CallFormatError(_("the text is empty"), line=index_line)
    text = text.strip()
    if len(text) > MAX_TURN_CHARS:
        raise CallFormatError(
            _("the text has %(n)s characters; at most %(max)s are allowed")
            % {"n": len(text), "max": MAX_TURN_CHARS},
            line=index_line,
        )
    return {"speaker": code, "text": text}


def _check_count(turns: list) -> None:
    if not turns:
        raise CallFormatError(_("The file holds no turns."))
    if len(turns) > MAX_TURNS:
        raise CallFormatError(
            _("The call has %(n)s turns; at most %(max)s are allowed.")
            % {"n": len(turns), "max": MAX_TURNS}
        )


def _line_of(raw: str, position: int) -> int:
    return raw.count("\n", 0, position) + 1


def _object_starts(raw: str, *, depth: int) -> list[int]:
    """Offsets of the JSON objects opened at nesting ``depth`` (strings skipped), in order.

    Used only to name the line of a bad turn in an error message.
    """
    starts: list[int] = []
    level = 0
    in_string = escaped = False
    for position, char in enumerate(raw):
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            if char == "{" and level == depth:
                starts.append(position)
            level += 1
        elif char in "]}":
            level -= 1
    return starts


def parse_json(raw: str) -> ParsedCall:
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise CallFormatError(
            _("not valid JSON (%(reason)s)") % {"reason": exc.msg}, line=exc.lineno
        ) from exc
    title = language = ""
    if isinstance(data, dict):
        title = data.get("title") or ""
        language = data.get("language") or ""
        items = data.get("turns")
        if not isinstance(items, list):
            raise CallFormatError(_('The JSON object needs a "turns" list.'))
    elif isinstance(data, list):
        items = data
    else:
        raise CallFormatError(_('Expected a JSON object with "turns" or a list of turns.'))
    _check_count(items)
    starts = _object_starts(raw, depth=2 if isinstance(data, dict) else 1)
    turns = []
    for i, item in enumerate(items):
        line = _line_of(raw, starts[i]) if i < len(starts) else None
        if not isinstance(item, dict):
            raise CallFormatError(
                _('turn %(n)s is not an object with "speaker" and "text"') % {"n": i + 1},
                line=line,
            )
        turns.append(_check_turn(line, item.get("speaker"), item.get("text")))
    if language and language not in ("zh", "en"):
        raise CallFormatError(_('"language" must be "zh" or "en".'))
    return ParsedCall(turns=turns, title=str(title)[:200], language=language, format="json")


def parse_csv(raw: str) -> ParsedCall:
    reader = csv.reader(io.StringIO(raw))
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise CallFormatError(
            _("not valid CSV (%(reason)s)") % {"reason": exc}, line=reader.line_num
        ) from exc
    if not rows:
        raise CallFormatError(_("The file holds no turns."))
    header = [h.strip().lower() for h in rows[0]]
    if "speaker" not in header or "text" not in header:
        raise CallFormatError(_('the header must name the columns "speaker" and "text"'), line=1)
    s_col, t_col = header.index("speaker"), header.index("text")
    turns = []
    # csv.reader folds quoted multi-line cells into one row; track each row's first line.
    line = 1
    for row in rows[1:]:
        line += 1
        if not any(cell.strip() for cell in row):
            continue
        if len(row) <= max(s_col, t_col):
            raise CallFormatError(
                ngettext(
                    "expected the columns speaker and text, found %(n)s column",
                    "expected the columns speaker and text, found %(n)s columns",
                    len(row),
                )
                % {"n": len(row)},
                line=line,
            )
        turns.append(_check_turn(line, row[s_col], row[t_col]))
        line += row[t_col].count("\n")
    _check_count(turns)
    return ParsedCall(turns=turns, format="csv")


def parse_text(raw: str) -> ParsedCall:
    turns: list[dict] = []
    lines_of: list[int] = []
    for number, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        match = _PREFIX.match(line)
        code = speaker_code(match.group("label")) if match else None
        if code is not None:
            turns.append({"speaker": code, "text": match.group("text").strip()})
            lines_of.append(number)
        elif match:
            # Merging a third speaker into the turn above would put their words in the agent's
            # or the customer's mouth, so an unknown label refuses the file.
            raise CallFormatError(
                _("unknown speaker %(speaker)s (use 坐席/客户 or Agent/Customer)")
                % {"speaker": json.dumps(match.group("label"), ensure_ascii=False)},
                line=number,
            )
        elif turns:
            # A continuation line belongs to the turn above it.
            turns[-1]["text"] = (turns[-1]["text"] + "\n" + line.strip()).strip()
        else:
            raise CallFormatError(
                _(
                    'the line does not start with a speaker ("坐席：" / "客户：" or "Agent:" / "Customer:")'
                ),
                line=number,
            )
    _check_count(turns)
    checked = [
        _check_turn(n, t["speaker"], t["text"]) for n, t in zip(lines_of, turns, strict=True)
    ]
    return ParsedCall(turns=checked, format="text")


def parse_call_file(name: str, data: bytes) -> ParsedCall:
    """Parse an uploaded call by its extension (``.json``, ``.csv``, else plain text)."""
    if len(data) > MAX_FILE_BYTES:
        raise CallFormatError(
            _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise CallFormatError(_("The file is empty."))
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension == "json":
        raw, encoding = _decode(data, allow_gb18030=False)
        parsed = parse_json(raw)
    elif extension == "csv":
        raw, encoding = _decode(data, allow_gb18030=True)
        parsed = parse_csv(raw)
    else:
        raw, encoding = _decode(data, allow_gb18030=True)
        parsed = parse_json(raw) if raw.lstrip().startswith(("{", "[")) else parse_text(raw)
    parsed.encoding = encoding
    if not parsed.language:
        parsed.language = guess_language(parsed.turns)
    if not parsed.title:
        stem = name.rsplit("/", 1)[-1]
        parsed.title = (stem.rsplit(".", 1)[0] if "." in stem else stem)[:200]
    return parsed
