"""The deeper compliance check of one agent turn, run on the ``realtime`` queue.

The instant check reads one message; this one reads the conversation so far, so it catches what
needs context (an exclusion dodged after the customer asked about it, a close without the
cooling-off period). New findings become alerts that the practice page picks up.
"""

from django.db import IntegrityError, transaction

from practice.models import Alert, AlertSource, Turn
from practice.scoring.detector import RULE_SEVERITY, analyse_dialogue
from practice.selectors import rule_titles


def deep_check_turn(*, turn_id: int) -> list[Alert]:
    turn = Turn.objects.select_related("conversation__product").filter(pk=turn_id).first()
    if turn is None:
        return []
    conversation = turn.conversation
    turns = [
        {"speaker": t.speaker, "text": t.text}
        for t in conversation.turns.filter(index__lte=turn.index).order_by("index")
    ]
    analysis = analyse_dialogue(
        turns,
        language=conversation.language,
        product_type=conversation.product.type if conversation.product_id else None,
    )
    existing = set(turn.alerts.values_list("rule_code", flat=True))
    found = [f for f in analysis.findings if f.turn == turn.index and f.rule not in existing]
    if not found:
        return []
    titles = rule_titles(conversation.organisation_id, {f.rule for f in found})
    created = []
    for finding in found:
        try:
            with transaction.atomic():
                created.append(
                    Alert.objects.create(
                        conversation=conversation,
                        turn=turn,
                        rule_code=finding.rule,
                        severity=RULE_SEVERITY.get(finding.rule, "general"),
                        message=titles.get(finding.rule, finding.rule),
                        quote=finding.quote,
                        confidence=finding.confidence,
                        source=AlertSource.DEEP,
                    )
                )
        except IntegrityError:  # a re-delivered task: the alert is already there
            continue
    return created


def sop_progress(*, conversation, turns) -> list[dict]:
    """The scenario's SOP stages with the checkpoints reached so far and the next one to reach."""
    from knowledge.models import Checkpoint

    scenario = conversation.scenario
    if scenario is None:
        return []
    transcript = [{"speaker": t.speaker, "text": t.text} for t in turns]
    analysis = analyse_dialogue(
        transcript,
        language=conversation.language,
        product_type=conversation.product.type if conversation.product_id else None,
    )
    names = {c.code: c.name for c in Checkpoint.objects.all()}
    stages = []
    next_marked = False
    english = conversation.language == "en"
    for stage in scenario.sop or []:
        checkpoints = []
        for code in stage.get("checkpoints", []):
            hit = analysis.checkpoints.get(code)
            reached = bool(hit and hit.reached)
            is_next = not reached and not next_marked
            next_marked = next_marked or is_next
            checkpoints.append(
                {"code": code, "name": names.get(code, code), "reached": reached, "next": is_next}
            )
        stages.append(
            {
                "name": stage.get("stage_en" if english else "stage_zh")
                or stage.get("stage_zh")
                or "",
                "checkpoints": checkpoints,
                "done": bool(checkpoints) and all(c["reached"] for c in checkpoints),
            }
        )
    return stages
