"""LLM spending: token usage per call and the organisation's monthly budget."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from config.errors import LimitReached
from practice.models import Conversation, LLMUsage


def usage_record(
    *,
    conversation: Conversation,
    purpose: str,
    model: str,
    prompt_tokens: int,
    completion_tokens: int,
    latency_ms: int,
    user=None,
) -> LLMUsage:
    return LLMUsage.objects.create(
        organisation_id=conversation.organisation_id,
        user=user or conversation.agent,
        conversation=conversation,
        purpose=purpose,
        provider=conversation.provider,
        model=model,
        prompt_tokens=prompt_tokens,
        completion_tokens=completion_tokens,
        latency_ms=latency_ms,
    )


def tokens_this_month(*, organisation_id: int) -> int:
    start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    totals = LLMUsage.objects.filter(
        organisation_id=organisation_id, created_at__gte=start
    ).aggregate(prompt=Sum("prompt_tokens"), completion=Sum("completion_tokens"))
    return (totals["prompt"] or 0) + (totals["completion"] or 0)


def budget_check(*, conversation: Conversation) -> None:
    """Refuse work for an external model once the organisation's monthly budget is spent."""
    if conversation.provider != "openai":
        return
    budget = conversation.organisation.monthly_token_budget or settings.LLM_MONTHLY_TOKEN_BUDGET
    if tokens_this_month(organisation_id=conversation.organisation_id) >= budget:
        raise LimitReached(
            _(
                "Your organisation has used its AI budget for this month. Ask an administrator to raise it."
            ),
            code="budget_exhausted",
        )
