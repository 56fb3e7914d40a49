"""The case library (annotated real conversations) and practice scenarios with their personas,
SOP stages and versioned rubrics."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from knowledge.models import ComplianceRule, Language, Product, Skill

# Short single-skill drills (one objection, one disclosure) are scenarios whose code starts so;
# the coaching app creates them and recommends them for weaknesses.
MICRO_DRILL_PREFIX = "micro-"


class Speaker(models.TextChoices):
    AGENT = "agent", _("Agent")
    CUSTOMER = "customer", _("Customer")


class Outcome(models.TextChoices):
    WON = "won", _("Won")
    LOST = "lost", _("Lost")
    FOLLOW_UP = "follow_up", _("Follow-up")


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Hard")


class Case(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="cases"
    )
    slug = models.SlugField(_("slug"), max_length=120)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ZH
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("product"),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    source = models.CharField(_("source"), max_length=200, blank=True)
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="cases", verbose_name=_("skills")
    )
    objection_types = models.JSONField(_("objection types"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unique_case_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.slug])


class CaseTurn(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveIntegerField()
    speaker = models.CharField(max_length=10, choices=Speaker.choices)
    text = models.TextField()

    class Meta:
        ordering = ["case", "index"]
        constraints = [models.UniqueConstraint(fields=["case", "index"], name="unique_case_turn")]

    def __str__(self) -> str:
        return f"{self.index}: {self.text[:40]}"


class AnnotationKind(models.TextChoices):
    GOOD = "good", _("Good practice")
    PROBLEM = "problem", _("Problem")


class CaseAnnotation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="annotations")
    turn = models.ForeignKey(CaseTurn, on_delete=models.CASCADE, related_name="annotations")
    kind = models.CharField(_("kind"), max_length=10, choices=AnnotationKind.choices)
    comment = models.TextField(_("comment"))
    skill = models.ForeignKey(
        Skill, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rule = models.ForeignKey(
        ComplianceRule, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["turn__index", "id"]

    def __str__(self) -> str:
        return f"{self.kind} @ {self.turn.index}"


class Rubric(models.Model):
    """Weighted criteria, each linked to a skill. Editing creates a new version; old ones stay,
    so a scorecard always points at the exact rubric it was scored against."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="rubrics"
    )
    code = models.SlugField(max_length=64)
    version = models.PositiveIntegerField(default=1)
    title = models.CharField(max_length=200, blank=True)
    criteria = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "code", "version"], name="unique_rubric_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class Scenario(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="scenarios"
    )
    code = models.SlugField(_("code"), max_length=80)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ZH
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=10, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="scenarios", verbose_name=_("product")
    )
    goal = models.TextField(_("the agent's goal"))
    persona = models.JSONField(_("persona"), default=dict)
    sop = models.JSONField(_("SOP stages"), default=list, blank=True)
    rubric = models.ForeignKey(Rubric, on_delete=models.PROTECT, related_name="scenarios")
    source_case = models.ForeignKey(
        Case,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="scenarios",
        verbose_name=_("from case"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["language", "difficulty", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unique_scenario_code")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("cases:scenario", args=[self.code])

    @property
    def is_micro_drill(self) -> bool:
        return self.code.startswith(MICRO_DRILL_PREFIX)

    def as_record(self) -> dict:
        """The scenario as the persona engine and the LLM layer read it (content-format.md)."""
        return {
            "code": self.code,
            "language": self.language,
            "difficulty": self.difficulty,
            "product": self.product.code,
            "product_type": self.product.type,
            "title": self.title,
            "goal": self.goal,
            "persona": self.persona,
            "sop": self.sop,
            "rubric": {"code": self.rubric.code, "criteria": self.rubric.criteria},
        }
