"""Template filters of the knowledge pages: safe Markdown and labels for vocabulary codes."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

from knowledge.models import ObjectionType

register = template.Library()

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


def render_markdown(text: str) -> str:
    """Markdown → HTML, then sanitised: only basic tags, no attributes that run script, and
    links only to http(s)/mailto (a ``javascript:`` link loses its href)."""
    html = markdown_lib.markdown(
        text or "", extensions=["tables", "sane_lists"], output_format="html"
    )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # sanitised by nh3 in render_markdown


@register.filter
def objection_label(code: str) -> str:
    try:
        return ObjectionType(code).label
    except ValueError:
        return code


@register.filter
def pick_lang(record: dict, base: str) -> str:
    """``record[base_zh]`` or ``record[base_en]`` in the UI language, falling back to the other."""
    from knowledge.localized import active_language

    if not isinstance(record, dict):
        return ""
    first = active_language()
    second = "en" if first == "zh" else "zh"
    return record.get(f"{base}_{first}") or record.get(f"{base}_{second}") or ""
