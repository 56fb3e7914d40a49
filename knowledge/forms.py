"""Trainer forms of the knowledge base. They only turn form fields into bundle records; the
services validate them (``knowledge.validation``) and the errors come back onto the fields."""

from __future__ import annotations

import re

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from knowledge.models import ArticleKind, Language, ObjectionType, ProductType, Severity, Skill
from knowledge.validation import BundleError

LINES_HELP = _("One item a line.")
CLAUSES_HELP = _(
    "Start each passage with a line “## ref | heading | zh or en”, then its text. "
    "Example: ## 2.3 | 保险责任 | zh"
)
_INDEX = re.compile(r"\[(\d+)\]")
# The name of a record in validation messages: "scenario", "case (slug=x)".
_RECORD = re.compile(r"^(product|rule|article|case|rubric|scenario)( \(.*\))?$")


def split_lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def yaml_field(form: forms.Form, name: str, default):
    """A YAML textarea's value; a syntax error is put on the field with its line."""
    text = form.cleaned_data.get(name) or ""
    if not text.strip():
        return default
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = _("line %(line)s: ") % {"line": mark.line + 1} if mark is not None else ""
        invalid = _("not valid YAML")
        form.add_error(name, f"{where}{invalid} ({getattr(exc, 'problem', exc)})")
        return default


def add_bundle_errors(
    form: forms.Form, error: BundleError, *, aliases: dict[str, str] | None = None
) -> None:
    """Put each validation message on the field it names (else at the top of the form).

    ``scenario (code=x).persona.objections[1].trigger: …`` lands on ``objections`` as
    "#2 trigger: …": the deepest part of the path that is a field of the form (or an alias of
    one) wins, the record's name is dropped, and list positions count from 1 as on screen.
    """
    aliases = aliases or {}
    for message in error.errors:
        head, separator, text = message.partition(": ")
        if not separator:
            form.add_error(None, message)
            continue
        # "product (code=x).name_zh" and "product.name_zh" → "name_zh"; a bare path ("turns")
        # has no record name, and a message on the record itself has no path.
        record, _dot, path = head.partition(".")
        if _RECORD.match(record) and not path:
            form.add_error(None, text)
            continue
        if not _RECORD.match(record):
            path = head
        segments = path.split(".")
        field, position = None, -1
        joined = aliases.get(_INDEX.sub("", path))
        if joined in form.fields:
            field, position = joined, len(segments) - 1
        else:
            for i in range(len(segments) - 1, -1, -1):
                candidate = aliases.get(_INDEX.sub("", segments[i]), _INDEX.sub("", segments[i]))
                if candidate in form.fields:
                    field, position = candidate, i
                    break
        if field is None:
            form.add_error(None, f"{_on_screen(path)}: {text}")
            continue
        index = _INDEX.search(segments[position])
        prefix = " ".join(
            part
            for part in (
                f"#{int(index.group(1)) + 1}" if index else "",
                _on_screen(".".join(segments[position + 1 :])),
            )
            if part
        )
        form.add_error(field, f"{prefix}: {text}" if prefix else text)


def _on_screen(path: str) -> str:
    """A record path as shown to people: positions count from 1 ("turns[0]" → "turns #1")."""
    return _INDEX.sub(lambda m: f" #{int(m.group(1)) + 1}", path)


def clauses_from_text(text: str) -> list[dict]:
    """The clauses textarea → clause records; text before the first header is an error."""
    clauses: list[dict] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        if line.startswith("##"):
            parts = [p.strip() for p in line.lstrip("#").split("|")]
            ref = parts[0] if parts else ""
            title = parts[1] if len(parts) > 1 else ""
            language = parts[2] if len(parts) > 2 and parts[2] else "zh"
            clauses.append({"ref": ref, "title": title, "language": language, "text": ""})
        elif line.strip():
            if not clauses:
                raise BundleError(
                    [
                        "product.clauses: "
                        + _("line %(line)s: start a passage with “## ref | heading | zh”")
                        % {"line": number}
                    ]
                )
            clauses[-1]["text"] = f"{clauses[-1]['text']}\n{line.strip()}".strip()
    return clauses


def clauses_to_text(clauses: list[dict]) -> str:
    return "\n\n".join(
        f"## {c['ref']} | {c['title']} | {c['language']}\n{c['text']}" for c in clauses
    )


def _lines(label):
    return forms.CharField(
        label=label, required=False, widget=forms.Textarea(attrs={"rows": 4}), help_text=LINES_HELP
    )


class ProductForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=64)
    type = forms.ChoiceField(label=_("Type"), choices=ProductType.choices)
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=120, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=160, required=False)
    summary_zh = forms.CharField(
        label=_("Summary (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary_en = forms.CharField(
        label=_("Summary (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    coverage_zh = _lines(_("Coverage (Chinese)"))
    coverage_en = _lines(_("Coverage (English)"))
    exclusions_zh = _lines(_("Exclusions (Chinese)"))
    exclusions_en = _lines(_("Exclusions (English)"))
    selling_points_zh = _lines(_("Selling points (Chinese)"))
    selling_points_en = _lines(_("Selling points (English)"))
    target_customers_zh = _lines(_("Target customers (Chinese)"))
    target_customers_en = _lines(_("Target customers (English)"))
    waiting_period_days = forms.IntegerField(
        label=_("Waiting period (days)"), min_value=0, initial=0
    )
    cooling_off_days = forms.IntegerField(
        label=_("Cooling-off period (days)"), min_value=0, initial=15
    )
    premium_examples = forms.CharField(
        label=_("Premium examples (YAML)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
        help_text=_(
            "A list like: - {age: 30, sex: female, sum_assured: 500000, term_zh: 保至70岁, annual_premium: 6850}"
        ),
    )
    clauses = forms.CharField(
        label=_("Clause passages"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=CLAUSES_HELP,
    )

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].required = False

    def to_record(self) -> dict | None:
        data = self.cleaned_data
        record = {
            k: data.get(k)
            for k in ("code", "type", "name_zh", "name_en", "summary_zh", "summary_en")
        }
        for base in ("coverage", "exclusions", "selling_points", "target_customers"):
            for lang in ("zh", "en"):
                record[f"{base}_{lang}"] = split_lines(data.get(f"{base}_{lang}", ""))
        record["waiting_period_days"] = data.get("waiting_period_days")
        record["cooling_off_days"] = data.get("cooling_off_days")
        record["premium_examples"] = yaml_field(self, "premium_examples", [])
        try:
            record["clauses"] = clauses_from_text(data.get("clauses", ""))
        except BundleError as error:
            add_bundle_errors(self, error)
        return None if self.errors else record

    @staticmethod
    def initial_from(record: dict) -> dict:
        initial = dict(record)
        for base in ("coverage", "exclusions", "selling_points", "target_customers"):
            for lang in ("zh", "en"):
                initial[f"{base}_{lang}"] = "\n".join(record[f"{base}_{lang}"])
        examples = record.get("premium_examples") or []
        initial["premium_examples"] = (
            yaml.safe_dump(examples, allow_unicode=True, sort_keys=False, default_flow_style=None)
            if examples
            else ""
        )
        initial["clauses"] = clauses_to_text(record.get("clauses") or [])
        return initial


class ArticleForm(forms.Form):
    slug = forms.SlugField(label=_("Slug"), max_length=120)
    title = forms.CharField(label=_("Title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=ArticleKind.choices)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    body = forms.CharField(
        label=_("Body (Markdown)"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Markdown; shown sanitised."),
    )
    products = forms.MultipleChoiceField(
        label=_("Products"), required=False, widget=forms.CheckboxSelectMultiple
    )
    skills = forms.MultipleChoiceField(
        label=_("Skills"), required=False, widget=forms.CheckboxSelectMultiple
    )
    objection_types = forms.MultipleChoiceField(
        label=_("Objection types"),
        required=False,
        choices=ObjectionType.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, products=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["products"].choices = [(p.code, p.name) for p in products]
        self.fields["skills"].choices = [(s.code, s.name) for s in Skill.objects.all()]
        if editing:
            self.fields["slug"].disabled = True
            self.fields["slug"].required = False

    def to_record(self) -> dict:
        return dict(self.cleaned_data)


class RuleForm(forms.Form):
    code = forms.SlugField(
        label=_("Code"), max_length=64, help_text=_("Lowercase, e.g. unlicensed_advice.")
    )
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    title_zh = forms.CharField(label=_("Title (Chinese)"), max_length=120)
    title_en = forms.CharField(label=_("Title (English)"), max_length=160)
    basis = forms.CharField(label=_("Regulation basis"), max_length=300, required=False)
    description_zh = forms.CharField(
        label=_("Description (Chinese)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    description_en = forms.CharField(
        label=_("Description (English)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    violating_examples = _lines(_("Violating examples"))
    compliant_examples = _lines(_("Compliant examples"))

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].required = False

    def to_record(self) -> dict:
        record = dict(self.cleaned_data)
        record["violating_examples"] = split_lines(record.get("violating_examples", ""))
        record["compliant_examples"] = split_lines(record.get("compliant_examples", ""))
        return record

    @staticmethod
    def initial_from(record: dict) -> dict:
        return {
            **record,
            "violating_examples": "\n".join(record["violating_examples"]),
            "compliant_examples": "\n".join(record["compliant_examples"]),
        }


class SearchForm(forms.Form):
    q = forms.CharField(required=False, max_length=200)
    product = forms.CharField(required=False, max_length=64)
    kind = forms.ChoiceField(
        required=False,
        choices=[
            ("", _("Everything")),
            ("passage", _("Clauses")),
            ("knowledge", pgettext_lazy("article kind", "Knowledge")),
            ("talk_track", _("Talk tracks")),
        ],
    )
