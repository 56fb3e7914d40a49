"""Article Markdown → safe HTML.

Python-Markdown follows the original Markdown rule that a list needs a blank line before it, so
"正文：\\n- 一\\n- 二" renders as one paragraph. Trainers (and the seed) write lists straight
under a lead-in line, as CommonMark allows, so a preprocessor inserts the missing blank line
before a bullet item or a "1." item that directly follows a paragraph line. Code blocks
(indented or fenced) are left alone. The HTML is then sanitised with nh3.
"""

from __future__ import annotations

import re

import markdown as markdown_lib
import nh3
from markdown.extensions import Extension
from markdown.preprocessors import Preprocessor

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}}
URL_SCHEMES = {"http", "https", "mailto"}

# A list item that may interrupt a paragraph (CommonMark): a bullet, or an ordered item
# numbered 1 (so "…共有\n14. 条" stays prose), with content after the marker.
_INTERRUPTING_ITEM_RE = re.compile(r"^ {0,3}(?:[-*+]|1\.)[ \t]+\S")
# Any list item, for knowing that the following lines belong to a list.
_LIST_ITEM_RE = re.compile(r"^ {0,3}(?:[-*+]|\d+\.)[ \t]+\S")
_THEMATIC_BREAK_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INDENTED_RE = re.compile(r"^(?: {4}|\t)")
_QUOTE_RE = re.compile(r"^ {0,3}> ?(.*)$")

_BLANK, _PARAGRAPH, _LIST, _CODE = "blank", "paragraph", "list", "code"


def separate_lists(lines: list[str]) -> list[str]:
    """Insert a blank line where a list item directly follows a paragraph line."""
    out: list[str] = []
    state = _BLANK
    fence: str | None = None  # the opening fence while inside a fenced block
    i = 0
    while i < len(lines):
        line = lines[i]
        i += 1
        if fence is not None:
            out.append(line)
            match = _FENCE_RE.match(line)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence, state = None, _PARAGRAPH
            continue
        if not line.strip():
            out.append(line)
            if state != _CODE:
                # Remember a list across blank lines: an indented line after it continues it.
                state = _LIST if state == _LIST else _BLANK
            continue
        indented = bool(_INDENTED_RE.match(line))
        if state == _LIST and out and not out[-1].strip() and not indented:
            state = _BLANK  # after a blank line, only a 4-space indent continues a list item
        if state == _CODE and indented:
            out.append(line)
            continue
        if state == _BLANK and indented:
            state = _CODE
            out.append(line)
            continue
        fence_match = _FENCE_RE.match(line)
        if fence_match:
            fence = fence_match.group(1)
            out.append(line)
            continue
        if state != _LIST and _QUOTE_RE.match(line):
            # A block quote's content is parsed on its own: apply the same rule inside it.
            quoted = [line]
            while i < len(lines) and _QUOTE_RE.match(lines[i]):
                quoted.append(lines[i])
                i += 1
            inner = separate_lists([_QUOTE_RE.match(q).group(1) for q in quoted])
            out.extend(f"> {q}" if q else ">" for q in inner)
            state = _PARAGRAPH
            continue
        is_item = bool(_LIST_ITEM_RE.match(line)) and not _THEMATIC_BREAK_RE.match(line)
        if is_item and state == _PARAGRAPH and _INTERRUPTING_ITEM_RE.match(line):
            out.append("")
        if is_item:
            state = _LIST
        elif state != _LIST:
            state = _PARAGRAPH
        out.append(line)
    return out


class _ListInterruptsParagraph(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return separate_lists(lines)


class ListInterruptsParagraphExtension(Extension):
    def extendMarkdown(self, md) -> None:  # Python-Markdown names it so
        # After the raw-HTML preprocessor (priority 20), so stashed HTML stays stashed.
        md.preprocessors.register(_ListInterruptsParagraph(md), "list_interrupts_paragraph", 15)


def render_markdown(text: str) -> str:
    """Markdown → HTML, then sanitised: only basic tags, no attributes that run script, and
    links only to http(s)/mailto (a ``javascript:`` link loses its href)."""
    html = markdown_lib.markdown(
        text or "",
        extensions=["tables", "sane_lists", ListInterruptsParagraphExtension()],
        output_format="html",
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
