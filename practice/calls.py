"""Imported real calls (通话质检): the import service and the reads behind the call pages.

A call arrives as turns (through the API, or parsed from an uploaded file by
``practice.call_formats``), is stored with personal data already redacted — no unredacted copy is
kept anywhere — and is scored by the same pipeline as practice sessions.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation, Role, User
from accounts.selectors import visible_agents
from accounts.services import audit_record
from config.errors import DomainError
from knowledge.models import Product
from practice.call_formats import MAX_TURN_CHARS, MAX_TURNS, guess_language, speaker_code
from practice.llm.redact import redact_pii
from practice.models import (
    Conversation,
    ConversationKind,
    ConversationStatus,
    Scorecard,
    Turn,
)
from practice.selectors import conversations_visible

CALL_SOURCES = ("api", "upload", "import")


def _clean_turns(turns: object) -> list[dict[str, str]]:
    if not isinstance(turns, Sequence) or isinstance(turns, str) or not turns:
        raise DomainError(_("A call needs at least one turn."), field="turns")
    if len(turns) > MAX_TURNS:
        raise DomainError(
            _("A call may have at most %(max)s turns; this one has %(n)s.")
            % {"max": MAX_TURNS, "n": len(turns)},
            field="turns",
        )
    cleaned = []
    for index, turn in enumerate(turns):
        if not isinstance(turn, dict):
            raise DomainError(
                _('Turn %(i)s must be an object with "speaker" and "text".') % {"i": index},
                field="turns",
            )
        speaker = speaker_code(turn.get("speaker"))
        if speaker is None:
            raise DomainError(
                _('Turn %(i)s: unknown speaker "%(speaker)s" (use agent or customer).')
                % {"i": index, "speaker": turn.get("speaker")},
                field="turns",
            )
        text = turn.get("text")
        if not isinstance(text, str) or not text.strip():
            raise DomainError(_("Turn %(i)s: the text is empty.") % {"i": index}, field="turns")
        text = text.strip()
        if len(text) > MAX_TURN_CHARS:
            raise DomainError(
                _("Turn %(i)s: the text has %(n)s characters; at most %(max)s are allowed.")
                % {"i": index, "n": len(text), "max": MAX_TURN_CHARS},
                field="turns",
            )
        cleaned.append({"speaker": speaker, "text": text})
    return cleaned


def _provider() -> tuple[str, str]:
    from practice.llm.config import load_config

    config = load_config()
    if config.provider == "openai":
        return "openai", config.judge_model
    return "offline", "rules+exemplars"


def _agent_for(actor: User, organisation: Organisation, username: str) -> User:
    agent = (
        visible_agents(actor)
        .filter(organisation=organisation, username=username, role=Role.AGENT)
        .first()
    )
    if agent is None:
        raise DomainError(
            _('Unknown agent "%(username)s" in this organisation.') % {"username": username},
            field="agent",
        )
    return agent


@transaction.atomic
def call_import(
    *,
    organisation: Organisation,
    actor: User,
    title: str,
    language: str | None,
    turns: list[dict],
    agent_username: str | None = None,
    product_code: str | None = None,
    source: str = "api",
    queue_scoring: bool = True,
) -> Conversation:
    """Store a finished call with redacted text and queue its scoring (on commit)."""
    from practice.scoring.pipeline import scorecard_request

    if actor.organisation_id != organisation.pk:
        raise DomainError(_("You cannot import calls for another organisation."))
    cleaned = _clean_turns(turns)
    if language and language not in ("zh", "en"):
        raise DomainError(_('The language must be "zh" or "en".'), field="language")
    agent = _agent_for(actor, organisation, agent_username) if agent_username else None
    product = None
    if product_code:
        product = Product.objects.filter(organisation=organisation, code=product_code).first()
        if product is None:
            raise DomainError(
                _('Unknown product "%(code)s" in this organisation.') % {"code": product_code},
                field="product",
            )
    title = (title or "").strip()[:200]

    # Redact first: only the redacted text is ever stored, scored or shown.
    flags = []
    stored = []
    for index, turn in enumerate(cleaned):
        text, counts = redact_pii(turn["text"])
        if counts:
            detail = ", ".join(f"{kind}×{n}" for kind, n in sorted(counts.items()))
            flags.append({"code": "redacted_pii", "turn": index, "detail": detail})
        stored.append({"speaker": turn["speaker"], "text": text})

    now = timezone.now()
    provider, model = _provider()
    conversation = Conversation.objects.create(
        organisation=organisation,
        kind=ConversationKind.CALL,
        agent=agent,
        product=product,
        title=title
        or _("Call of %(date)s") % {"date": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")},
        language=language or guess_language(stored),
        status=ConversationStatus.FINISHED,
        provider=provider,
        model=model,
        flags=flags,
        source=(source or "api")[:100],
        created_by=actor,
        started_at=now,
        finished_at=now,
        last_activity_at=now,
    )
    Turn.objects.bulk_create(
        Turn(conversation=conversation, index=i, speaker=t["speaker"], text=t["text"])
        for i, t in enumerate(stored)
    )
    audit_record(
        organisation=organisation,
        actor=actor,
        action="call.import",
        target=conversation,
        summary=f"{conversation.title} ({len(stored)} turns, {source})",
        after={
            "turns": len(stored),
            "agent": agent.username if agent else None,
            "product": product.code if product else None,
            "redacted": len(flags),
        },
    )
    scorecard_request(conversation=conversation, queue=queue_scoring)
    return conversation


# --- reads ----------------------------------------------------------------------------------
def call_list(
    *, user: User, agent_id: int | str | None = None, status: str | None = None
) -> QuerySet[Conversation]:
    """The calls ``user`` may see, newest first, with the current scorecard prefetched."""
    calls = (
        conversations_visible(user)
        .filter(kind=ConversationKind.CALL)
        .select_related("agent", "product", "created_by")
        .prefetch_related(
            Prefetch(
                "scorecards",
                queryset=Scorecard.objects.filter(is_current=True),
                to_attr="current_scorecards",
            )
        )
        .order_by("-started_at", "-id")
    )
    if agent_id:
        try:
            calls = calls.filter(agent_id=int(agent_id))
        except (TypeError, ValueError):
            calls = calls.none()
    if status:
        calls = calls.filter(scorecards__is_current=True, scorecards__status=status)
    return calls


def call_get(*, user: User, pk: int) -> Conversation:
    from practice.selectors import conversation_get

    return conversation_get(user, pk, kind=ConversationKind.CALL)
