"""Products and their clause text, knowledge articles and talk tracks, compliance rules,
skills and SOP checkpoints: the content that the simulated customer, the real-time hints and
the scorer stand on."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from knowledge.localized import Localized


class Language(models.TextChoices):
    ZH = "zh", "中文"
    EN = "en", "English"


class ProductType(models.TextChoices):
    CRITICAL_ILLNESS = "critical_illness", _("Critical illness")
    MEDICAL = "medical", _("Medical")
    TERM_LIFE = "term_life", _("Term life")
    WHOLE_LIFE_PARTICIPATING = "whole_life_participating", _("Participating whole life")
    ANNUITY = "annuity", _("Annuity")
    ACCIDENT = "accident", _("Accident")
    UNIVERSAL_LIFE = "universal_life", _("Universal life")


class ObjectionType(models.TextChoices):
    PRICE = "price", _("Too expensive")
    SPOUSE = "spouse", _("Must ask my spouse")
    ALREADY_INSURED = "already_insured", _("Already insured")
    SCAM = "scam", _("Insurance is a scam")
    INVEST = "invest", _("Rather invest")
    THINK_IT_OVER = "think_it_over", _("Let me think about it")
    NO_NEED = "no_need", _("No need")
    TRUST = "trust", _("Distrust of claims or company")


class Severity(models.TextChoices):
    SERIOUS = "serious", _("Serious")
    GENERAL = "general", _("General")


class Skill(models.Model):
    code = models.SlugField(unique=True)
    name_zh = models.CharField(max_length=50)
    name_en = models.CharField(max_length=50)
    description_zh = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    name = Localized("name")
    description = Localized("description")

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Checkpoint(models.Model):
    code = models.SlugField(unique=True)
    name_zh = models.CharField(max_length=50)
    name_en = models.CharField(max_length=80)
    description_zh = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    name = Localized("name")
    description = Localized("description")

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ComplianceRule(models.Model):
    """A rule of the compliance catalogue. Built-in rules (organisation empty) always exist."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="rules",
    )
    code = models.SlugField(max_length=64)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=160)
    basis = models.CharField(_("regulation basis"), max_length=300, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    violating_examples = models.JSONField(_("violating examples"), default=list, blank=True)
    compliant_examples = models.JSONField(_("compliant examples"), default=list, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    title = Localized("title")
    description = Localized("description")

    class Meta:
        ordering = ["severity", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(organisation__isnull=True),
                name="unique_builtin_rule",
            ),
            models.UniqueConstraint(fields=["organisation", "code"], name="unique_rule_per_org"),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.severity})"

    @property
    def is_builtin(self) -> bool:
        return self.organisation_id is None


class Product(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="products"
    )
    code = models.SlugField(_("code"), max_length=64)
    type = models.CharField(_("type"), max_length=32, choices=ProductType.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=160)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    coverage_zh = models.JSONField(_("coverage (Chinese)"), default=list, blank=True)
    coverage_en = models.JSONField(_("coverage (English)"), default=list, blank=True)
    exclusions_zh = models.JSONField(_("exclusions (Chinese)"), default=list, blank=True)
    exclusions_en = models.JSONField(_("exclusions (English)"), default=list, blank=True)
    selling_points_zh = models.JSONField(_("selling points (Chinese)"), default=list, blank=True)
    selling_points_en = models.JSONField(_("selling points (English)"), default=list, blank=True)
    target_customers_zh = models.JSONField(
        _("target customers (Chinese)"), default=list, blank=True
    )
    target_customers_en = models.JSONField(
        _("target customers (English)"), default=list, blank=True
    )
    waiting_period_days = models.PositiveSmallIntegerField(_("waiting period (days)"), default=0)
    cooling_off_days = models.PositiveSmallIntegerField(_("cooling-off period (days)"), default=15)
    premium_examples = models.JSONField(_("premium examples"), default=list, blank=True)
    is_active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    name = Localized("name")
    summary = Localized("summary")
    coverage = Localized("coverage")
    exclusions = Localized("exclusions")
    selling_points = Localized("selling_points")
    target_customers = Localized("target_customers")

    class Meta:
        ordering = ["type", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="unique_product_code")
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("knowledge:product", args=[self.code])


class ClausePassage(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="clauses")
    ref = models.CharField(_("clause number"), max_length=32, blank=True)
    title = models.CharField(_("heading"), max_length=200, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ZH)
    text = models.TextField(_("text"))
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["product", "language", "order", "id"]
        indexes = [models.Index(fields=["organisation", "product"])]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}".strip()

    def get_absolute_url(self) -> str:
        return f"{self.product.get_absolute_url()}#clause-{self.pk}"


class ArticleKind(models.TextChoices):
    KNOWLEDGE = "knowledge", pgettext_lazy("article kind", "Knowledge")
    TALK_TRACK = "talk_track", _("Talk track")


class Article(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="articles"
    )
    slug = models.SlugField(_("slug"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=16, choices=ArticleKind.choices, default=ArticleKind.KNOWLEDGE
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ZH
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("body (Markdown)"))
    products = models.ManyToManyField(
        Product, blank=True, related_name="articles", verbose_name=_("products")
    )
    skills = models.ManyToManyField(
        Skill, blank=True, related_name="articles", verbose_name=_("skills")
    )
    objection_types = models.JSONField(_("objection types"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "slug"], name="unique_article_slug")
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("knowledge:article", args=[self.slug])
