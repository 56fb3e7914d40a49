"""Bilingual fields: ``name_zh``/``name_en`` pairs read through one attribute in the active language."""

from django.utils.translation import get_language


def active_language() -> str:
    """``zh`` or ``en``: the content language that matches the active UI language."""
    return "en" if (get_language() or "zh").lower().startswith("en") else "zh"


class Localized:
    """``name = Localized("name")`` reads ``name_zh`` or ``name_en``, falling back to the other."""

    def __init__(self, base: str):
        self.base = base

    def __get__(self, obj, owner=None):
        if obj is None:
            return self
        first = active_language()
        second = "en" if first == "zh" else "zh"
        value = getattr(obj, f"{self.base}_{first}")
        return value or getattr(obj, f"{self.base}_{second}")
