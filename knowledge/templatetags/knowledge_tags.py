"""Template filters of the knowledge pages: safe Markdown and labels for vocabulary codes."""

from django import template
from django.utils.safestring import mark_safe

from knowledge.models import ObjectionType
from knowledge.rendering import render_markdown

register = template.Library()


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
