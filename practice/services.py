"""Practice sessions: start, the agent's turn, the customer's reply, finish, close.

A turn happens in two steps so the page can show the agent's message at once and stream the
customer's reply: ``turn_submit`` stores the agent's words (committed first, so nothing the agent
typed is ever lost) with the instant compliance check, and ``reply_stream`` produces the
customer's answer, stores it with the customer's new state and computes the hints. The API runs
both in one request.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cases.models import Scenario, Speaker
from config.errors import Conflict, DomainError, LimitReached
from practice import customer
from practice.models import (
    Alert,
    AlertSource,
    Conversation,
    ConversationKind,
    ConversationStatus,
    Turn,
)
from practice.scoring.detector import RULE_SEVERITY, check_agent_message
from practice.selectors import rule_titles

REPLY_LOCK_SECONDS = 90


@dataclass
class SubmittedTurn:
    agent_turn: Turn
    alerts: list[Alert] = field(default_factory=list)


@dataclass
class ReplyResult:
    customer_turn: Turn
    hints: list[dict]


def _provider() -> tuple[str, str]:
    from practice.llm.config import load_config

    config = load_config()
    if config.provider == "openai":
        return "openai", config.customer_model
    return "offline", "persona-engine"


@transaction.atomic
def session_start(*, user: User, scenario: Scenario, seed: int | None = None) -> Conversation:
    """A new practice session; the customer speaks first with the persona's opening line."""
    if user.organisation_id != scenario.organisation_id:
        raise DomainError(_("This scenario is not available."), code="not_found")
    if not scenario.is_active:
        raise DomainError(_("This scenario is not active."))
    provider, model = _provider()
    now = timezone.now()
    conversation = Conversation.objects.create(
        organisation_id=scenario.organisation_id,
        kind=ConversationKind.PRACTICE,
        agent=user,
        scenario=scenario,
        product=scenario.product,
        title=scenario.title,
        language=scenario.language,
        provider=provider,
        model=model,
        seed=seed if seed is not None else random.SystemRandom().randrange(1, 2**31),
        created_by=user,
        started_at=now,
        last_activity_at=now,
    )
    first = customer.opening(conversation)
    conversation.state = first.state
    conversation.save(update_fields=["state"])
    Turn.objects.create(
        conversation=conversation,
        index=0,
        speaker=Speaker.CUSTOMER,
        text=first.text,
        meta=first.meta,
    )
    return conversation


def clean_message(text: str | None) -> str:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Please type a message first."), code="empty_message", field="text")
    limit = settings.MESSAGE_MAX_CHARS
    if len(text) > limit:
        raise DomainError(
            _("Your message is too long (%(n)d characters; at most %(limit)d).")
            % {"n": len(text), "limit": limit},
            code="message_too_long",
            field="text",
        )
    return text


def _require_active(conversation: Conversation) -> None:
    if conversation.kind != ConversationKind.PRACTICE:
        raise DomainError(_("Only practice sessions take new messages."))
    if conversation.status != ConversationStatus.ACTIVE:
        raise Conflict(_("This session is already finished."), code="session_finished")


def turn_submit(
    *, conversation: Conversation, user: User, text: str, deep_check: bool = True
) -> SubmittedTurn:
    """Store the agent's message and check it at once for compliance breaches; the deeper check
    of the conversation so far follows on the realtime queue (``deep_check``)."""
    text = clean_message(text)
    if conversation.agent_id != user.pk:
        raise DomainError(_("Only the agent of this session can speak in it."), code="not_yours")
    _require_active(conversation)
    if conversation.state.get("ended"):
        raise Conflict(
            _("The customer has ended the conversation. Finish the session to get your scorecard."),
            code="customer_ended",
        )
    last = conversation.turns.order_by("-index").only("index", "speaker", "text").first()
    if last is not None and last.speaker == Speaker.AGENT:
        raise Conflict(
            _("Wait for the customer's reply before you send the next message."),
            code="reply_pending",
        )
    previous_customer = last.text if last is not None else ""
    findings = check_agent_message(
        text,
        previous_customer_text=previous_customer,
        language=conversation.language,
        product_type=conversation.product.type if conversation.product_id else None,
    )
    try:
        with transaction.atomic():
            agent_turn = Turn.objects.create(
                conversation=conversation,
                index=(last.index + 1) if last is not None else 0,
                speaker=Speaker.AGENT,
                text=text,
            )
            titles = rule_titles(conversation.organisation_id, {f.rule for f in findings})
            alerts = [
                Alert.objects.create(
                    conversation=conversation,
                    turn=agent_turn,
                    rule_code=finding.rule,
                    severity=RULE_SEVERITY.get(finding.rule, "general"),
                    message=titles.get(finding.rule, finding.rule),
                    quote=finding.quote,
                    confidence=finding.confidence,
                    source=AlertSource.INLINE,
                )
                for finding in findings
            ]
            Conversation.objects.filter(pk=conversation.pk).update(last_activity_at=timezone.now())
            if deep_check:
                transaction.on_commit(lambda: _queue_deep_check(agent_turn.pk))
    except IntegrityError as exc:  # another request stored a turn at this index first
        raise Conflict(
            _("Wait for the customer's reply before you send the next message."),
            code="reply_pending",
        ) from exc
    return SubmittedTurn(agent_turn=agent_turn, alerts=alerts)


def _queue_deep_check(turn_id: int) -> None:
    from practice.tasks import realtime_check_turn

    try:
        realtime_check_turn.delay(turn_id)
    except Exception:  # the deeper check is a bonus; the instant check already ran
        import logging

        logging.getLogger(__name__).warning("could not queue the deep check of turn %s", turn_id)


def _claim_reply(conversation: Conversation) -> bool:
    """Only one process writes a given reply: claim it with a conditional update."""
    now = timezone.now()
    claimed = Conversation.objects.filter(
        Q(turn_in_progress_until__isnull=True) | Q(turn_in_progress_until__lt=now),
        pk=conversation.pk,
    ).update(turn_in_progress_until=now + timedelta(seconds=REPLY_LOCK_SECONDS))
    return claimed == 1


def _release_reply(conversation: Conversation) -> None:
    Conversation.objects.filter(pk=conversation.pk).update(turn_in_progress_until=None)


def pending_agent_turn(conversation: Conversation) -> Turn | None:
    last = conversation.turns.order_by("-index").first()
    return last if last is not None and last.speaker == Speaker.AGENT else None


def reply_stream(*, conversation: Conversation) -> _ReplyRun:
    """An iterable of the customer's reply in pieces; afterwards ``.result`` holds the stored turn.

    Idempotent: if the reply to the latest agent turn already exists it is replayed; if another
    request is writing it, this waits for it.
    """
    return _ReplyRun(conversation)


class _ReplyRun:
    def __init__(self, conversation: Conversation):
        self.conversation = conversation
        self.result: ReplyResult | None = None

    def __iter__(self) -> Iterator[str]:
        conversation = self.conversation
        agent_turn = pending_agent_turn(conversation)
        if agent_turn is None:
            # Already answered (a reconnecting stream, a double click): replay the last reply.
            last = conversation.turns.order_by("-index").first()
            if last is not None and last.speaker == Speaker.CUSTOMER:
                self.result = ReplyResult(customer_turn=last, hints=last.meta.get("hints", []))
                yield from customer.chunks(last.text)
            return
        if not _claim_reply(conversation):
            yield from self._wait_for_other(agent_turn)
            return
        try:
            # Another request may have moved the state on; relations (scenario, product) stay cached.
            conversation.refresh_from_db(fields=["state", "flags", "outcome", "status"])
            history = [
                {"speaker": t.speaker, "text": t.text} for t in conversation.turns.order_by("index")
            ]
            breaches = list(agent_turn.alerts.values_list("rule_code", flat=True))
            stream = customer.ReplyStream(conversation, history, agent_turn.text, breaches)
            started = time.monotonic()
            yield from stream
            reply = stream.result
            self.result = _store_reply(
                conversation, agent_turn, reply, latency_ms=int((time.monotonic() - started) * 1000)
            )
        finally:
            _release_reply(conversation)

    def _wait_for_other(self, agent_turn: Turn) -> Iterator[str]:
        deadline = time.monotonic() + REPLY_LOCK_SECONDS
        while time.monotonic() < deadline:
            reply = self.conversation.turns.filter(index=agent_turn.index + 1).first()
            if reply is not None:
                self.result = ReplyResult(customer_turn=reply, hints=reply.meta.get("hints", []))
                yield from customer.chunks(reply.text)
                return
            time.sleep(0.1)
        raise Conflict(
            _("The customer's reply is taking too long. Please try again."), code="reply_timeout"
        )


@transaction.atomic
def _store_reply(
    conversation: Conversation, agent_turn: Turn, reply: customer.CustomerTurn, *, latency_ms: int
) -> ReplyResult:
    from practice.hints import hints_for_reply

    hints = hints_for_reply(conversation=conversation, text=reply.text, meta=reply.meta)
    meta = {
        **reply.meta,
        "hints": hints,
        "trust": reply.state.get("trust"),
        "mood": reply.state.get("mood"),
    }
    customer_turn = Turn.objects.create(
        conversation=conversation,
        index=agent_turn.index + 1,
        speaker=Speaker.CUSTOMER,
        text=reply.text,
        meta=meta,
        latency_ms=latency_ms,
        prompt_tokens=reply.prompt_tokens,
        completion_tokens=reply.completion_tokens,
    )
    conversation.state = reply.state
    conversation.outcome = reply.meta.get("outcome") or conversation.outcome or ""
    conversation.last_activity_at = timezone.now()
    fields = ["state", "outcome", "last_activity_at"]
    if reply.meta.get("character_break"):
        conversation.flags = [
            *conversation.flags,
            {
                "code": "character_break",
                "turn": customer_turn.index,
                "detail": reply.meta["character_break"],
            },
        ]
        fields.append("flags")
    conversation.save(update_fields=fields)
    if reply.prompt_tokens or reply.completion_tokens:
        from practice.budget import usage_record

        usage_record(
            conversation=conversation,
            purpose="customer",
            model=reply.model,
            prompt_tokens=reply.prompt_tokens,
            completion_tokens=reply.completion_tokens,
            latency_ms=latency_ms,
        )
    return ReplyResult(customer_turn=customer_turn, hints=hints)


def reply_generate(*, conversation: Conversation) -> ReplyResult:
    run = _ReplyRun(conversation)
    for _piece in run:
        pass
    if run.result is None:
        raise Conflict(_("There is no message waiting for a reply."), code="no_pending_turn")
    return run.result


def turn_take(
    *, conversation: Conversation, user: User, text: str, deep_check: bool = True
) -> tuple[SubmittedTurn, ReplyResult]:
    """The whole turn in one call: the agent's message, then the customer's reply."""
    from practice.budget import budget_check

    budget_check(conversation=conversation)
    waiting = pending_agent_turn(conversation)
    if (
        waiting is not None
        and waiting.text == (text or "").strip()
        and waiting.speaker == Speaker.AGENT
    ):
        # The same message again after a failed reply: a retry, not a second message.
        submitted = SubmittedTurn(agent_turn=waiting, alerts=list(waiting.alerts.all()))
        return submitted, reply_generate(conversation=conversation)
    submitted = turn_submit(conversation=conversation, user=user, text=text, deep_check=deep_check)
    return submitted, reply_generate(conversation=conversation)


@transaction.atomic
def session_finish(*, conversation: Conversation, user: User, queue_scoring: bool = True):
    """End the session and queue its scoring. Finishing twice returns the same scorecard."""
    from practice.scoring.pipeline import scorecard_request

    if conversation.agent_id != user.pk and not user.is_trainer:
        raise DomainError(_("Only the agent of this session can finish it."), code="not_yours")
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    if conversation.status == ConversationStatus.ACTIVE:
        if not conversation.turns.filter(speaker=Speaker.AGENT).exists():
            raise DomainError(
                _("Say something to the customer before you finish."), code="empty_session"
            )
        conversation.status = ConversationStatus.FINISHED
        conversation.finished_at = timezone.now()
        if not conversation.outcome:
            conversation.outcome = conversation.state.get("outcome") or ""
        conversation.save(update_fields=["status", "finished_at", "outcome"])
    elif conversation.status == ConversationStatus.ABANDONED:
        raise Conflict(_("This session was closed without scoring."), code="session_closed")
    return scorecard_request(conversation=conversation, queue=queue_scoring)


@transaction.atomic
def session_close(*, conversation: Conversation, user: User) -> Conversation:
    """Close an abandoned session without scoring it."""
    if conversation.agent_id != user.pk:
        raise DomainError(_("Only the agent of this session can close it."), code="not_yours")
    if conversation.status == ConversationStatus.ACTIVE:
        conversation.status = ConversationStatus.ABANDONED
        conversation.finished_at = timezone.now()
        conversation.save(update_fields=["status", "finished_at"])
    return conversation


def rate_limit_check(*, user: User) -> None:
    """At most ``PRACTICE_TURNS_PER_MINUTE`` messages a minute per user (shared cache)."""
    from django.core.cache import cache

    limit = settings.PRACTICE_TURNS_PER_MINUTE
    key = f"turn-rate:{user.pk}:{int(time.time() // 60)}"
    cache.add(key, 0, 90)
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 90)
        count = 1
    if count > limit:
        raise LimitReached(
            _("You are sending messages too fast. Please wait a moment."), code="rate_limited"
        )
