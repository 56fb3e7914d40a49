"""Trainer forms of the case library and the scenario catalogue. They turn fields into bundle
records; validation is ``knowledge.validation`` (through the services), and its messages —
which name the item and field, e.g. ``objections[1].trigger`` — come back onto the fields."""

from __future__ import annotations

import yaml
from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cases.models import AnnotationKind, Difficulty, Outcome
from cases.services import turns_from_text, turns_to_text
from knowledge.forms import add_bundle_errors, yaml_field
from knowledge.models import Language, ObjectionType, Skill
from knowledge.validation import TEMPERAMENTS, BundleError

YAML_ATTRS = {"rows": 8, "spellcheck": "false", "class": "mono"}

# Labels of the persona temperament codes; the form stores the code itself.
TEMPERAMENT_LABELS = {
    "friendly": pgettext_lazy("temperament", "Friendly"),
    "cautious": pgettext_lazy("temperament", "Cautious"),
    "impatient": pgettext_lazy("temperament", "Impatient"),
    "skeptical": pgettext_lazy("temperament", "Skeptical"),
    "analytical": pgettext_lazy("temperament", "Analytical"),
}


def _dump(value) -> str:
    if not value:
        return ""
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=False, width=100)


class CaseForm(forms.Form):
    slug = forms.SlugField(label=_("Slug"), max_length=120)
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(
        label=_("Summary"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    product = forms.ChoiceField(label=_("Product"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    source = forms.CharField(label=_("Source"), max_length=200, required=False)
    skills = forms.MultipleChoiceField(
        label=_("Skills"), required=False, widget=forms.CheckboxSelectMultiple
    )
    objection_types = forms.MultipleChoiceField(
        label=_("Objection types"),
        required=False,
        choices=ObjectionType.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    turns = forms.CharField(
        label=_("Transcript"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("One turn a line, starting with 坐席: or 客户: (Agent: or Customer:)."),
    )

    def __init__(self, *args, products=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", _("None"))] + [(p.code, p.name) for p in products]
        self.fields["skills"].choices = [(s.code, s.name) for s in Skill.objects.all()]
        if editing:
            self.fields["slug"].disabled = True
            self.fields["slug"].required = False

    def to_record(self) -> dict | None:
        record = dict(self.cleaned_data)
        record["product"] = record.get("product") or None
        try:
            record["turns"] = turns_from_text(record.get("turns") or "")
        except BundleError as error:
            add_bundle_errors(self, error)
            return None
        return record

    @staticmethod
    def initial_from(record: dict) -> dict:
        return {**record, "turns": turns_to_text(record["turns"], language=record["language"])}


class AnnotationForm(forms.Form):
    turn = forms.IntegerField(label=_("Turn"), min_value=0)
    kind = forms.ChoiceField(label=_("Kind"), choices=AnnotationKind.choices)
    comment = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 2}))
    skill = forms.ChoiceField(label=_("Skill"), required=False)
    rule = forms.ChoiceField(label=_("Rule"), required=False)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["skill"].choices = [("", "—")] + [(s.code, s.name) for s in Skill.objects.all()]
        self.fields["rule"].choices = [("", "—")] + [(r.code, r.title) for r in rules]


class ScenarioForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    code = forms.SlugField(
        label=_("Code"), max_length=80, help_text=_("Stable, lowercase, e.g. zh-ci-young-mother.")
    )
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)
    difficulty = forms.ChoiceField(
        label=_("Difficulty"), choices=Difficulty.choices, initial=Difficulty.MEDIUM
    )
    product = forms.ChoiceField(label=_("Product"))
    goal = forms.CharField(label=_("The agent's goal"), widget=forms.Textarea(attrs={"rows": 2}))
    persona_name = forms.CharField(label=_("Customer name"), max_length=60)
    public_profile = forms.CharField(
        label=_("Public profile"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown to the agent before the session."),
    )
    temperament = forms.ChoiceField(
        label=_("Temperament"),
        choices=[(t, TEMPERAMENT_LABELS.get(t, t)) for t in TEMPERAMENTS],
        initial="cautious",
    )
    opening_line = forms.CharField(label=_("Opening line"), required=False, max_length=500)
    initial_trust = forms.IntegerField(
        label=_("Initial trust (0-100)"), min_value=0, max_value=100, initial=40
    )
    buy_threshold = forms.IntegerField(
        label=_("Buy threshold (0-100)"), min_value=0, max_value=100, initial=70
    )
    patience = forms.IntegerField(
        label=_("Patience (turns)"), min_value=1, max_value=100, initial=8
    )
    hidden_facts = forms.CharField(
        label=_("Hidden facts (YAML)"),
        required=False,
        widget=forms.Textarea(attrs=YAML_ATTRS),
        help_text=_("- {code: kid_age, topic: family, text: …}"),
    )
    needs = forms.CharField(
        label=_("Needs (YAML)"),
        required=False,
        widget=forms.Textarea(attrs=YAML_ATTRS),
        help_text=_("- {code: protect_income, topic: goals, text: …}"),
    )
    objections = forms.CharField(
        label=_("Objections (YAML)"),
        required=False,
        widget=forms.Textarea(attrs=YAML_ATTRS),
        help_text=_(
            "- {code: too_expensive, type: price, line: …, trigger: {after_turn: 4}, resolved_by: [cost_breakdown], resolved_line: …}"
        ),
    )
    sop = forms.CharField(
        label=_("SOP stages (YAML)"),
        required=False,
        widget=forms.Textarea(attrs=YAML_ATTRS),
        help_text=_("- {stage_zh: 开场, stage_en: Opening, checkpoints: [identity_disclosed]}"),
    )
    rubric_code = forms.SlugField(label=_("Rubric code"), max_length=64)
    rubric_title = forms.CharField(label=_("Rubric title"), max_length=200, required=False)
    criteria = forms.CharField(
        label=_("Rubric criteria (YAML)"),
        widget=forms.Textarea(attrs={**YAML_ATTRS, "rows": 12}),
        help_text=_(
            "- {code: needs_discovery, skill: discovery, title_zh: …, title_en: …, weight: 25, max_score: 5, "
            "checks_zh: [...], checks_en: [...]} — weights add up to 100. A change makes a new rubric version."
        ),
    )

    # Validator field names → form fields, for putting errors in the right place.
    ALIASES = {
        "name": "persona_name",
        "rubric": "criteria",
        "rubric.code": "rubric_code",
        "rubric.title": "rubric_title",
    }

    def __init__(self, *args, products=(), editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [(p.code, p.name) for p in products]
        if editing:
            self.fields["code"].disabled = True
            self.fields["code"].required = False

    def to_record(self, *, from_case: str | None = None) -> dict | None:
        data = self.cleaned_data
        persona = {
            "name": data.get("persona_name"),
            "public_profile": data.get("public_profile"),
            "temperament": data.get("temperament"),
            "initial_trust": data.get("initial_trust"),
            "buy_threshold": data.get("buy_threshold"),
            "patience": data.get("patience"),
            "opening_line": data.get("opening_line"),
            "hidden_facts": yaml_field(self, "hidden_facts", []),
            "needs": yaml_field(self, "needs", []),
            "objections": yaml_field(self, "objections", []),
        }
        record = {
            "code": data.get("code"),
            "title": data.get("title"),
            "language": data.get("language"),
            "difficulty": data.get("difficulty"),
            "product": data.get("product"),
            "goal": data.get("goal"),
            "from_case": from_case,
            "persona": persona,
            "sop": yaml_field(self, "sop", []),
            "rubric": {
                "code": data.get("rubric_code"),
                "title": data.get("rubric_title") or "",
                "criteria": yaml_field(self, "criteria", []),
            },
        }
        return None if self.errors else record

    def add_errors(self, error: BundleError) -> None:
        add_bundle_errors(self, error, aliases=self.ALIASES)

    @staticmethod
    def initial_from(record: dict) -> dict:
        persona = record.get("persona") or {}
        rubric = record.get("rubric") or {}
        return {
            "title": record.get("title"),
            "code": record.get("code"),
            "language": record.get("language"),
            "difficulty": record.get("difficulty"),
            "product": record.get("product"),
            "goal": record.get("goal"),
            "persona_name": persona.get("name"),
            "public_profile": persona.get("public_profile"),
            "temperament": persona.get("temperament"),
            "opening_line": persona.get("opening_line"),
            "initial_trust": persona.get("initial_trust"),
            "buy_threshold": persona.get("buy_threshold"),
            "patience": persona.get("patience"),
            "hidden_facts": _dump(persona.get("hidden_facts")),
            "needs": _dump(persona.get("needs")),
            "objections": _dump(persona.get("objections")),
            "sop": _dump(record.get("sop")),
            "rubric_code": rubric.get("code"),
            "rubric_title": rubric.get("title"),
            "criteria": _dump(rubric.get("criteria")),
        }
