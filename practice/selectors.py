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


def rule_titles(organisation_id: int, codes: set[str] | None = None) -> dict[str, str]:
    """The titles (in the active language) of the given rule codes, or of every rule the
    organisation sees: built-in and its own (its own wins when both exist)."""
    from django.db.models import F, Q

    from knowledge.models import ComplianceRule

    if codes is not None and not codes:
        return {}
    rules = ComplianceRule.objects.filter(
        Q(organisation_id=organisation_id) | Q(organisation__isnull=True)
    ).order_by(F("organisation_id").asc(nulls_first=True), "id")
    if codes is not None:
        rules = rules.filter(code__in=codes)
    return {rule.code: str(rule.title) for rule in rules}


def skill_names() -> dict[str, str]:
    """Skill code → name in the active language (one query)."""
    from knowledge.models import Skill

    return {skill.code: skill.name for skill in Skill.objects.all()}


def session_reveal(conversation: Conversation, turns: list[Turn]) -> dict | None:
    """What the simulated customer was hiding, with transcript turn numbers and the objection
    types by name, for the results page."""
    from knowledge.models import ObjectionType
    from practice.persona import reveal

    if not conversation.scenario_id or not conversation.state:
        return None
    summary = reveal(
        conversation.scenario.as_record(),
        conversation.state,
        speakers=[t.speaker for t in turns],
    )
    labels = dict(ObjectionType.choices)
    for objection in summary["objections"]:
        kind = objection.get("type") or ""
        objection["type_name"] = str(labels.get(kind, kind))
    return summary


def scorecard_context(
    conversation: Conversation, scorecard: Scorecard | None, turns: list[Turn]
) -> dict:
    """The scorecard with its findings and evidence placed at their turns, for the page.

    ``findings`` are those that stand; ``all_findings`` include the ones a reviewer rejected
    (each row's ``rejected``), which the review page shows struck through and the agent's page
    not at all. A turn with a standing finding shows no evidence of good work."""
    from knowledge.models import Checkpoint

    if scorecard is None:
        return {
            "scorecard": None,
            "turn_rows": [
                {"turn": t, "findings": [], "rejected": [], "evidence": []} for t in turns
            ],
        }
    all_findings = list(scorecard.findings.all())
    titles = rule_titles(conversation.organisation_id, {f.rule_code for f in all_findings})
    for finding in all_findings:
        finding.rule_title = titles.get(finding.rule_code, finding.rule_code)
    findings = [f for f in all_findings if f.review_status != "rejected"]
    skills = skill_names()
    criteria = list(scorecard.criteria.all())
    for criterion in criteria:
        criterion.skill_name = skills.get(criterion.skill, criterion.skill)
    by_turn: dict[int, list] = {}
    rejected_by_turn: dict[int, list] = {}
    evidence_by_turn: dict[int, list] = {}
    for finding in all_findings:
        if finding.turn is not None:
            target = by_turn if finding.review_status != "rejected" else rejected_by_turn
            target.setdefault(finding.turn, []).append(finding)
    finding_turns = {f.turn for f in all_findings if f.turn is not None}
    for criterion in criteria:
        for item in criterion.evidence or []:
            if not isinstance(item, dict) or not isinstance(item.get("turn"), int):
                continue
            turn = item["turn"]
            # The compliance criterion cites a breach as the reason for its low score; that is
            # shown as the finding, never as good work.
            if turn in by_turn or (criterion.skill == "compliance" and turn in finding_turns):
                continue
            evidence_by_turn.setdefault(turn, []).append(
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
        "all_findings": all_findings,
        "session_findings": session_findings,
        "checkpoints": checkpoints,
        "turn_rows": [
            {
                "turn": t,
                "findings": by_turn.get(t.index, []),
                "rejected": rejected_by_turn.get(t.index, []),
                "evidence": evidence_by_turn.get(t.index, []),
            }
            for t in turns
        ],
        "serious_count": sum(1 for f in findings if f.severity == "serious"),
        "general_count": sum(1 for f in findings if f.severity != "serious"),
    }
