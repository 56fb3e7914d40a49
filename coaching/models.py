"""Skill profiles, weaknesses, drills, courses and assignments, and the weekly roll-ups the
dashboards read.

Profiles, weaknesses and roll-ups are materialised from scorecards by ``coaching.services`` (per
scorecard in the ``bulk`` queue, and for a whole organisation by ``coaching_rebuild``), so a
dashboard over a thousand agents reads small tables instead of every scorecard.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from knowledge.models import Language


class ProfileKind(models.TextChoices):
    ALL = "all", _("All conversations")
    PRACTICE = "practice", _("Practice")
    CALL = "call", _("Real calls")


class SkillProfile(models.Model):
    """An agent's recency-weighted score on one skill (0-100), ``None`` while data is thin."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="skill_profiles"
    )
    skill = models.SlugField(max_length=32)
    kind = models.CharField(max_length=10, choices=ProfileKind.choices, default=ProfileKind.ALL)
    score = models.FloatField(null=True, blank=True)
    trend = models.FloatField(null=True, blank=True)
    n = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agent", "kind", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "skill", "kind"], name="unique_skill_profile")
        ]
        indexes = [models.Index(fields=["organisation", "kind", "skill"])]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.skill}/{self.kind}: {self.score}"


class WeaknessKind(models.TextChoices):
    SKILL = "skill", _("Skill")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    RULE = "rule", _("Compliance rule")


class WeaknessStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class Weakness(models.Model):
    """A skill, checkpoint or rule an agent repeatedly falls short on. A weakness that comes
    back after it closed is a new row, so the history stays."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="weaknesses"
    )
    kind = models.CharField(max_length=12, choices=WeaknessKind.choices)
    code = models.SlugField(max_length=64)
    status = models.CharField(
        max_length=8, choices=WeaknessStatus.choices, default=WeaknessStatus.OPEN
    )
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    # [{"conversation", "scorecard", "turn", "quote", "at"}] of the shortfalls behind it
    evidence = models.JSONField(default=list, blank=True)
    last_checked_at = models.DateTimeField()

    class Meta:
        verbose_name_plural = "weaknesses"
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["agent", "kind", "code"],
                condition=models.Q(status="open"),
                name="one_open_weakness_per_code",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "status", "kind", "code"]),
            models.Index(fields=["agent", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.kind}:{self.code} ({self.status})"


class DrillKind(models.TextChoices):
    SCENARIO = "scenario", _("Practice scenario")
    CASE = "case", _("Case to study")
    ARTICLE = "article", _("Article to read")
    MICRO = "micro", _("Micro-drill")


class Drill(models.Model):
    """A targeted exercise derived from the content (``drills_sync``)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=DrillKind.choices)
    # "scenario:<code>", "case:<slug>", "article:<slug>": keeps drills_sync idempotent
    key = models.CharField(max_length=200)
    title = models.CharField(_("title"), max_length=200)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ZH)
    difficulty = models.CharField(max_length=10, blank=True)
    scenario = models.ForeignKey(
        "cases.Scenario", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    article = models.ForeignKey(
        "knowledge.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_skills = models.JSONField(default=list, blank=True)
    target_rules = models.JSONField(default=list, blank=True)
    target_checkpoints = models.JSONField(default=list, blank=True)
    minutes = models.PositiveSmallIntegerField(default=10)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "key"], name="unique_drill_key")
        ]

    def __str__(self) -> str:
        return self.title

    def targets(self, kind: str) -> list[str]:
        return {
            "skill": self.target_skills,
            "rule": self.target_rules,
            "checkpoint": self.target_checkpoints,
        }.get(kind, [])


class DrillEffect(models.Model):
    """Measured: the mean change of an outcome in the conversations of agents who had the
    weakness, after they did the drill against before (recomputed by ``drill_effects_compute``)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    drill = models.ForeignKey(Drill, on_delete=models.CASCADE, related_name="effects")
    kind = models.CharField(max_length=12, choices=WeaknessKind.choices)
    code = models.SlugField(max_length=64)
    agents = models.PositiveIntegerField(default=0)
    mean_change = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["drill", "kind", "code"], name="unique_drill_effect")
        ]

    def __str__(self) -> str:
        return f"{self.drill_id} {self.kind}:{self.code} {self.mean_change:+.1f}"


class Course(models.Model):
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.ZH
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("coaching:course", args=[self.pk])


class ItemKind(models.TextChoices):
    ARTICLE = "article", _("Article")
    CASE = "case", _("Case")
    SCENARIO = "scenario", _("Practice scenario")


class CourseItem(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveIntegerField(default=0)
    kind = models.CharField(max_length=10, choices=ItemKind.choices)
    article = models.ForeignKey(
        "knowledge.Article", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    scenario = models.ForeignKey(
        "cases.Scenario", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    pass_mark = models.PositiveSmallIntegerField(_("pass mark"), default=60)

    class Meta:
        ordering = ["course", "order", "id"]

    def __str__(self) -> str:
        return f"{self.course_id}#{self.order} {self.kind}"

    @property
    def target(self):
        return {"article": self.article, "case": self.case, "scenario": self.scenario}[self.kind]

    @property
    def title(self) -> str:
        target = self.target
        return target.title if target is not None else ""


class Assignment(models.Model):
    """A course or a drill given to one agent or to a whole team, with a due date."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    course = models.ForeignKey(
        Course, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    drill = models.ForeignKey(
        Drill, on_delete=models.CASCADE, null=True, blank=True, related_name="assignments"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="assignments",
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(course__isnull=False, drill__isnull=True)
                | models.Q(course__isnull=True, drill__isnull=False),
                name="assignment_course_or_drill",
            ),
            models.CheckConstraint(
                condition=models.Q(agent__isnull=False, team__isnull=True)
                | models.Q(agent__isnull=True, team__isnull=False),
                name="assignment_agent_or_team",
            ),
        ]

    def __str__(self) -> str:
        return f"Assignment {self.pk}"

    @property
    def title(self) -> str:
        return self.course.title if self.course_id else self.drill.title


class ProgressStatus(models.TextChoices):
    TO_DO = "todo", _("To do")
    DONE = "done", _("Done")


class AssignmentProgress(models.Model):
    """One agent's progress on one item of an assigned course (or on an assigned drill)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="progress")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignment_progress"
    )
    item = models.ForeignKey(
        CourseItem, on_delete=models.CASCADE, null=True, blank=True, related_name="progress"
    )
    drill = models.ForeignKey(
        Drill, on_delete=models.CASCADE, null=True, blank=True, related_name="progress"
    )
    status = models.CharField(
        max_length=8, choices=ProgressStatus.choices, default=ProgressStatus.TO_DO
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    best_score = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["assignment", "agent", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "agent", "item"],
                condition=models.Q(item__isnull=False),
                name="unique_progress_item",
            ),
            models.UniqueConstraint(
                fields=["assignment", "agent", "drill"],
                condition=models.Q(drill__isnull=False),
                name="unique_progress_drill",
            ),
        ]
        indexes = [models.Index(fields=["agent", "status"])]

    def __str__(self) -> str:
        return f"{self.assignment_id}/{self.agent_id}: {self.status}"


class AgentWeek(models.Model):
    """Per agent and week (Monday): the practice funnel and the compliance counts."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    week = models.DateField()
    started = models.PositiveIntegerField(default=0)  # practice sessions started
    finished = models.PositiveIntegerField(default=0)  # practice sessions finished
    passed = models.PositiveIntegerField(default=0)  # practice sessions passed
    scored = models.PositiveIntegerField(default=0)  # conversations scored (practice and calls)
    overall_sum = models.FloatField(default=0.0)
    serious = models.PositiveIntegerField(default=0)
    general = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["agent", "week"]
        constraints = [models.UniqueConstraint(fields=["agent", "week"], name="unique_agent_week")]
        indexes = [
            models.Index(fields=["organisation", "week"]),
            models.Index(fields=["team", "week"]),
        ]

    def __str__(self) -> str:
        return f"{self.agent_id} {self.week}"


class MetricKind(models.TextChoices):
    SKILL = "skill", _("Skill")
    CHECKPOINT = "checkpoint", _("Checkpoint")
    RULE = "rule", _("Compliance rule")


class TeamWeekMetric(models.Model):
    """Per team and week: sums behind the skill trends (ratio sums), checkpoint reach rates
    (reached/total) and findings per rule (count/conversations)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    week = models.DateField()
    metric = models.CharField(max_length=12, choices=MetricKind.choices)
    code = models.SlugField(max_length=64)
    total = models.FloatField(default=0.0)
    n = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["week", "metric", "code"]
        indexes = [models.Index(fields=["organisation", "week"])]

    def __str__(self) -> str:
        return f"{self.team_id} {self.week} {self.metric}:{self.code}"
