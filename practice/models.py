"""Conversations (practice sessions with the simulated customer, and imported real calls),
their turns and real-time alerts, the scorecards that the scoring workers produce, LLM usage,
and the outbox that carries work to the broker."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from cases.models import Speaker
from knowledge.models import Language, Severity


class ConversationKind(models.TextChoices):
    PRACTICE = "practice", _("Practice session")
    CALL = "call", _("Real call")


class ConversationStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    FINISHED = "finished", _("Finished")
    ABANDONED = "abandoned", _("Closed unfinished")


class CustomerOutcome(models.TextChoices):
    BUYS = "buys", _("Buys")
    ASKS_FOR_TIME = "asks_for_time", _("Asks for time")
    ENDS_CALL = "ends_call", _("Ends the call")


class Conversation(models.Model):
    """One conversation that gets scored: a practice session or an imported call."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(max_length=10, choices=ConversationKind.choices)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="conversations",
    )
    scenario = models.ForeignKey(
        "cases.Scenario", on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    product = models.ForeignKey(
        "knowledge.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=200)
    language = models.CharField(max_length=2, choices=Language.choices, default=Language.ZH)
    status = models.CharField(
        max_length=10, choices=ConversationStatus.choices, default=ConversationStatus.ACTIVE
    )
    provider = models.CharField(max_length=20, default="offline")
    model = models.CharField(max_length=100, blank=True)
    seed = models.BigIntegerField(default=0)
    # The simulated customer's state after the latest turn (practice only).
    state = models.JSONField(default=dict, blank=True)
    outcome = models.CharField(max_length=16, choices=CustomerOutcome.choices, blank=True)
    flags = models.JSONField(default=list, blank=True)
    source = models.CharField(max_length=100, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True, db_index=True)
    last_activity_at = models.DateTimeField()
    # Guards against double submission: a turn in progress holds this until it finishes.
    turn_in_progress_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["organisation", "kind", "status"]),
            models.Index(fields=["agent", "finished_at"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        if self.kind == ConversationKind.PRACTICE:
            return reverse("practice:session", args=[self.pk])
        return reverse("practice:call", args=[self.pk])


class Turn(models.Model):
    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="turns")
    index = models.PositiveIntegerField()
    speaker = models.CharField(max_length=10, choices=Speaker.choices)
    text = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    # Customer turns: intent/topic of the reply and the persona state after it.
    meta = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["conversation", "index"]
        constraints = [
            models.UniqueConstraint(fields=["conversation", "index"], name="unique_turn_index")
        ]

    def __str__(self) -> str:
        return f"{self.index} {self.speaker}: {self.text[:40]}"


class AlertSource(models.TextChoices):
    INLINE = "inline", _("Instant check")
    DEEP = "deep", _("Deep check")


class Alert(models.Model):
    """A real-time compliance warning shown to the agent during practice."""

    conversation = models.ForeignKey(Conversation, on_delete=models.CASCADE, related_name="alerts")
    turn = models.ForeignKey(Turn, on_delete=models.CASCADE, related_name="alerts")
    rule_code = models.SlugField(max_length=64)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    message = models.CharField(max_length=300)
    quote = models.TextField(blank=True)
    confidence = models.FloatField(default=1.0)
    source = models.CharField(
        max_length=10, choices=AlertSource.choices, default=AlertSource.INLINE
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["turn__index", "id"]
        constraints = [
            models.UniqueConstraint(fields=["turn", "rule_code"], name="unique_alert_per_turn_rule")
        ]

    def __str__(self) -> str:
        return f"{self.rule_code} @ {self.turn.index}"


class ScorecardStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SCORED = "scored", _("Scored")
    FAILED = "failed", _("Failed")
    NEEDS_REVIEW = "needs_review", _("Needs review")
    REVIEWED = "reviewed", _("Reviewed")


class Scorecard(models.Model):
    """The result of scoring one conversation against one rubric version."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="scorecards"
    )
    rubric = models.ForeignKey("cases.Rubric", on_delete=models.PROTECT, related_name="scorecards")
    is_current = models.BooleanField(default=True)
    status = models.CharField(
        max_length=16, choices=ScorecardStatus.choices, default=ScorecardStatus.PENDING
    )
    overall = models.FloatField(null=True, blank=True)
    passed = models.BooleanField(null=True, blank=True)
    metrics = models.JSONField(default=dict, blank=True)
    flags = models.JSONField(default=list, blank=True)
    provider = models.CharField(max_length=20, blank=True)
    model = models.CharField(max_length=100, blank=True)
    prompt_version = models.CharField(max_length=40, blank=True)
    latency_ms = models.PositiveIntegerField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # Which task delivery is scoring it now: a second delivery of the same work stays idle.
    scoring_claim = models.CharField(max_length=64, blank=True)
    scoring_claimed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    scored_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["conversation", "rubric"], name="one_scorecard_per_rubric_version"
            )
        ]
        indexes = [models.Index(fields=["organisation", "status"])]

    def __str__(self) -> str:
        return f"Scorecard {self.pk} ({self.status})"


class ItemStatus(models.TextChoices):
    AI = "ai", _("AI")
    CONFIRMED = "confirmed", _("Confirmed")
    ADJUSTED = "adjusted", _("Adjusted")
    REJECTED = "rejected", _("Rejected")


class CriterionScore(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(max_length=64)
    skill = models.SlugField(max_length=32)
    title = models.CharField(max_length=200, blank=True)
    weight = models.FloatField(default=0)
    score = models.FloatField()
    max_score = models.FloatField()
    ai_score = models.FloatField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    evidence = models.JSONField(default=list, blank=True)
    # False when the conversation gave nothing to score it on (the customer raised no objection):
    # shown as "not applicable" and left out of the overall score and the skill profile.
    applicable = models.BooleanField(default=True)
    review_status = models.CharField(
        max_length=10, choices=ItemStatus.choices, default=ItemStatus.AI
    )
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["scorecard", "id"]

    def __str__(self) -> str:
        return f"{self.code}: {self.score}/{self.max_score}"

    @property
    def ratio(self) -> float:
        return self.score / self.max_score if self.max_score else 0.0


class FindingSource(models.TextChoices):
    OFFLINE = "offline", _("Offline scorer")
    LLM = "llm", _("LLM judge")
    HUMAN = "human", _("Reviewer")


class Finding(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="findings")
    rule_code = models.SlugField(max_length=64)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    turn = models.IntegerField(null=True, blank=True)
    quote = models.TextField(blank=True)
    confidence = models.FloatField(default=1.0)
    source = models.CharField(
        max_length=10, choices=FindingSource.choices, default=FindingSource.OFFLINE
    )
    review_status = models.CharField(
        max_length=10, choices=ItemStatus.choices, default=ItemStatus.AI
    )
    review_comment = models.TextField(blank=True)

    class Meta:
        ordering = ["scorecard", "turn", "id"]

    def __str__(self) -> str:
        return f"{self.rule_code} @ {self.turn}"

    @property
    def is_active(self) -> bool:
        return self.review_status != ItemStatus.REJECTED


class CheckpointResult(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="checkpoints")
    code = models.SlugField(max_length=64)
    reached = models.BooleanField()
    turn = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["scorecard", "id"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "code"], name="unique_checkpoint_result")
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.reached}"


class LLMUsage(models.Model):
    """Tokens spent per call to a model: the basis of the monthly budget."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    conversation = models.ForeignKey(
        Conversation, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    purpose = models.CharField(max_length=20)
    provider = models.CharField(max_length=20)
    model = models.CharField(max_length=100, blank=True)
    prompt_tokens = models.PositiveIntegerField(default=0)
    completion_tokens = models.PositiveIntegerField(default=0)
    latency_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["organisation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} {self.model} {self.prompt_tokens}+{self.completion_tokens}"


class OutboxMessage(models.Model):
    """A task to send to the broker, written in the same transaction as the change that needs it.

    If the broker is down when the transaction commits, the message waits here and a periodic
    drain sends it later: finishing a session never fails or loses its scoring because of the
    broker.
    """

    task = models.CharField(max_length=200)
    kwargs = models.JSONField(default=dict)
    queue = models.CharField(max_length=32, default="scoring")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.task} {self.kwargs}"
