"""Reads of conversations and scorecards, scoped to the caller's organisation and role."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from accounts.models import Role, User
from accounts.selectors import scope, scoped_get
from practice.models import Alert, Conversation, ConversationKind, Scorecard, Turn


def conversations_visible(user: User) -> QuerySet[Conversation]:
    """An agent sees its own; a manager its teams' agents'; trainers and admins the organisation's."""
    conversations = scope(Conversation.objects.all(), user)
    if user.role in (Role.TRAINER, Role.ADMIN):
        return conversations
    if user.role == Role.MANAGER:
        return conversations.filter(agent__team__managers=user)
    return conversations.filter(agent=user)


def conversation_get(user: User, pk: int, *, kind: str | None = None) -> Conversation:
    conversations = conversations_visible(user).select_related(
        "scenario__product", "scenario__rubric", "product", "agent__team", "organisation"
    )
    if kind:
        conversations = conversations.filter(kind=kind)
    return scoped_get(conversations, user, pk=pk)


def conversation_turns(conversation: Conversation) -> list[Turn]:
    return list(
        conversation.turns.order_by("index").prefetch_related(
            Prefetch("alerts", queryset=Alert.objects.order_by("id"))
        )
    )


def scorecard_current(conversation: Conversation) -> Scorecard | None:
    return (
        conversation.scorecards.filter(is_current=True)
        .select_related("rubric", "reviewed_by")
        .prefetch_related("criteria", "findings", "checkpoints")
        .first()
    )


def practice_sessions(user: User) -> QuerySet[Conversation]:
    return (
        conversations_visible(user)
        .filter(kind=ConversationKind.PRACTICE)
        .select_related("scenario", "agent")
        .prefetch_related(
            Prefetch("scorecards", queryset=Scorecard.objects.filter(is_current=True))
        )
    )


def rule_titles(organisation_id: int, codes: set[str]) -> dict[str, str]:
    """The titles (in the active language) of the given rule codes: built-in and the org's own."""
    from django.db.models import Q

    from knowledge.models import ComplianceRule

    if not codes:
        return {}
    rules = ComplianceRule.objects.filter(
        Q(organisation_id=organisation_id) | Q(organisation__isnull=True), code__in=codes
    )
    return {rule.code: str(rule.title) for rule in rules}


def scorecard_context(
    conversation: Conversation, scorecard: Scorecard | None, turns: list[Turn]
) -> dict:
    """The scorecard with its findings and evidence placed at their turns, for the page."""
    from knowledge.models import Checkpoint

    if scorecard is None:
        return {
            "scorecard": None,
            "turn_rows": [{"turn": t, "findings": [], "evidence": []} for t in turns],
        }
    findings = [f for f in scorecard.findings.all() if f.review_status != "rejected"]
    titles = rule_titles(conversation.organisation_id, {f.rule_code for f in findings})
    for finding in findings:
        finding.rule_title = titles.get(finding.rule_code, finding.rule_code)
    criteria = list(scorecard.criteria.all())
    by_turn: dict[int, list] = {}
    evidence_by_turn: dict[int, list] = {}
    for finding in findings:
        if finding.turn is not None:
            by_turn.setdefault(finding.turn, []).append(finding)
    for criterion in criteria:
        for item in criterion.evidence or []:
            if isinstance(item, dict) and isinstance(item.get("turn"), int):
                evidence_by_turn.setdefault(item["turn"], []).append(
                    {"criterion": criterion, "quote": item.get("quote", "")}
                )
    names = {c.code: c.name for c in Checkpoint.objects.all()}
    checkpoints = [
        {"code": c.code, "name": names.get(c.code, c.code), "reached": c.reached, "turn": c.turn}
        for c in scorecard.checkpoints.all()
    ]
    session_findings = [f for f in findings if f.turn is None]
    return {
        "scorecard": scorecard,
        "criteria": criteria,
        "findings": findings,
        "session_findings": session_findings,
        "checkpoints": checkpoints,
        "turn_rows": [
            {
                "turn": t,
                "findings": by_turn.get(t.index, []),
                "evidence": evidence_by_turn.get(t.index, []),
            }
            for t in turns
        ],
        "serious_count": sum(1 for f in findings if f.severity == "serious"),
        "general_count": sum(1 for f in findings if f.severity != "serious"),
    }
