"""Scoring a conversation: request a scorecard (pending), score it in a worker, record failure.

The pipeline is the same for practice sessions and imported calls, for the offline scorer and
the LLM judge. A scorecard is unique per conversation and rubric version, so a task delivered
twice finds the scorecard already scored and does nothing.
"""

from __future__ import annotations

import logging
import time
import uuid

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from cases.models import Rubric
from practice.models import (
    CheckpointResult,
    Conversation,
    CriterionScore,
    Finding,
    FindingSource,
    OutboxMessage,
    Scorecard,
    ScorecardStatus,
)
from practice.scoring import policy
from practice.scoring.rubric_scorer import SCORER_VERSION, score_dialogue

logger = logging.getLogger(__name__)

SCORE_TASK = "practice.tasks.score_conversation"
DEFAULT_CALL_RUBRIC = "call-qa"
# A judge item with lower confidence than this sends the scorecard to a human.
REVIEW_CONFIDENCE = 0.6
# Longer than the task time limit: a claim this old belongs to a delivery that died.
CLAIM_LEASE_SECONDS = 600


def rubric_for(conversation: Conversation) -> Rubric:
    if conversation.scenario_id:
        return conversation.scenario.rubric
    rubric = (
        Rubric.objects.filter(
            organisation_id=conversation.organisation_id, code=DEFAULT_CALL_RUBRIC
        )
        .order_by("-version")
        .first()
    )
    if rubric is None:
        from practice.scoring.default_rubric import default_call_rubric

        rubric = default_call_rubric(organisation_id=conversation.organisation_id)
    return rubric


def outbox_send(message: OutboxMessage) -> bool:
    """Publish one outbox message; on success mark it sent. The broker being down is no error."""
    from config.celery import app

    try:
        app.send_task(message.task, kwargs=message.kwargs, queue=message.queue)
    except Exception as exc:
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, last_error=f"{exc.__class__.__name__}: {exc}"[:300]
        )
        logger.warning("broker unavailable; %s stays in the outbox", message)
        return False
    OutboxMessage.objects.filter(pk=message.pk).update(
        sent_at=timezone.now(), attempts=message.attempts + 1
    )
    return True


def outbox_enqueue(*, task: str, kwargs: dict, queue: str = "scoring") -> OutboxMessage:
    """Write the message in the caller's transaction and publish it once that commits."""
    message = OutboxMessage.objects.create(task=task, kwargs=kwargs, queue=queue)
    transaction.on_commit(lambda: outbox_send(message))
    return message


def outbox_drain(*, older_than_seconds: float = 5.0, limit: int = 200) -> int:
    """Send what the outbox still holds (the broker was down at commit time)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    sent = 0
    for message in OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lte=cutoff)[
        :limit
    ]:
        if not outbox_send(message):
            break
        sent += 1
    return sent


@transaction.atomic
def scorecard_request(
    *, conversation: Conversation, rubric: Rubric | None = None, queue: bool = True
) -> Scorecard:
    """The scorecard of ``conversation`` for the current rubric version, queued if new.

    ``queue=False`` leaves the scoring to the caller (replaying history in one process)."""
    rubric = rubric or rubric_for(conversation)
    scorecard, created = Scorecard.objects.get_or_create(
        conversation=conversation,
        rubric=rubric,
        defaults={"organisation_id": conversation.organisation_id},
    )
    if created:
        Scorecard.objects.filter(conversation=conversation).exclude(pk=scorecard.pk).update(
            is_current=False
        )
        if queue:
            outbox_enqueue(task=SCORE_TASK, kwargs={"scorecard_id": scorecard.pk})
    return scorecard


@transaction.atomic
def scorecard_rerun(*, scorecard: Scorecard) -> Scorecard:
    """A trainer re-runs a failed scorecard."""
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.status != ScorecardStatus.FAILED:
        return scorecard
    scorecard.status = ScorecardStatus.PENDING
    scorecard.error = ""
    scorecard.save(update_fields=["status", "error"])
    outbox_enqueue(task=SCORE_TASK, kwargs={"scorecard_id": scorecard.pk})
    return scorecard


def _transcript(conversation: Conversation) -> list[dict]:
    return [{"speaker": t.speaker, "text": t.text} for t in conversation.turns.order_by("index")]


def _persona_reveal(conversation: Conversation, turns: list[dict]) -> dict | None:
    if conversation.scenario_id is None or not conversation.state:
        return None
    from practice.persona import reveal

    return reveal(
        conversation.scenario.as_record(),
        conversation.state,
        speakers=[t["speaker"] for t in turns],
    )


def _rule_titles(conversation: Conversation) -> dict[str, str]:
    """Rule titles in the conversation's language, for rationales (the org's own win)."""
    from knowledge.models import ComplianceRule

    field = "title_en" if conversation.language == "en" else "title_zh"
    rows = (
        ComplianceRule.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=conversation.organisation_id)
        )
        .order_by(F("organisation_id").asc(nulls_first=True))
        .values_list("code", field)
    )
    return {code: title for code, title in rows if title}


def _claim(scorecard_id: int, claim: str) -> bool:
    """Take the scorecard for this delivery. Another delivery of the same work (a duplicate
    message) finds it taken and does nothing; a redelivery of the same task (same id, after a
    worker died) or a claim older than the lease takes it over."""
    now = timezone.now()
    stale = now - timezone.timedelta(seconds=CLAIM_LEASE_SECONDS)
    taken = (
        Scorecard.objects.filter(pk=scorecard_id, status=ScorecardStatus.PENDING)
        .filter(Q(scoring_claim="") | Q(scoring_claim=claim) | Q(scoring_claimed_at__lt=stale))
        .update(scoring_claim=claim, scoring_claimed_at=now, attempts=F("attempts") + 1)
    )
    return taken == 1


def _release(scorecard_id: int, claim: str) -> None:
    Scorecard.objects.filter(pk=scorecard_id, scoring_claim=claim).update(
        scoring_claim="", scoring_claimed_at=None
    )


def scorecard_score(
    *, scorecard_id: int, claim: str | None = None, notify: bool = True
) -> Scorecard | None:
    """Score a pending scorecard. Idempotent: anything but pending is left alone, and only the
    delivery holding the claim does the work, so a model is never paid twice for one card."""
    claim = claim or f"local-{uuid.uuid4().hex}"
    if not _claim(scorecard_id, claim):
        return Scorecard.objects.filter(pk=scorecard_id).first()
    scorecard = Scorecard.objects.select_related(
        "conversation__scenario__product", "conversation__product", "rubric"
    ).get(pk=scorecard_id)
    conversation = scorecard.conversation
    turns = _transcript(conversation)
    product = conversation.product or (
        conversation.scenario.product if conversation.scenario_id else None
    )
    started = time.monotonic()
    try:
        if conversation.provider == "openai" and _judge_available():
            outcome = _score_with_judge(conversation, scorecard, turns, product)
        else:
            outcome = _score_offline(conversation, scorecard, turns, product)
    except BaseException:
        _release(scorecard_id, claim)
        raise
    latency_ms = int((time.monotonic() - started) * 1000)
    return _store(scorecard.pk, outcome, latency_ms=latency_ms, notify=notify)


def _judge_available() -> bool:
    from practice.llm.config import load_config

    return load_config().provider == "openai"


def _score_offline(conversation, scorecard, turns, product) -> dict:
    rule_titles = _rule_titles(conversation)
    result = score_dialogue(
        turns,
        rubric=scorecard.rubric.criteria,
        language=conversation.language,
        product_type=product.type if product else None,
        persona_reveal=_persona_reveal(conversation, turns),
        extra_flags=list(conversation.flags),
        rule_titles=rule_titles,
    )
    needs_review = any(
        f["code"] in {"grader_instruction", "character_break"} for f in result.flags
    ) or any(f["confidence"] < REVIEW_CONFIDENCE for f in result.findings)
    return {
        "provider": "offline",
        "model": "rules+exemplars",
        "prompt_version": SCORER_VERSION,
        "overall": result.overall,
        "passed": result.passed,
        "criteria": [vars(c) for c in result.criteria],
        "findings": [{**f, "source": FindingSource.OFFLINE} for f in result.findings],
        "checkpoints": result.checkpoints,
        "metrics": result.metrics,
        "flags": result.flags,
        "objections": result.objections,
        "rule_titles": rule_titles,
        "needs_review": needs_review,
    }


def _score_with_judge(conversation, scorecard, turns, product) -> dict:
    """The LLM judge, grounded: every item must quote the transcript or it is dropped."""
    from knowledge.models import ComplianceRule
    from knowledge.vocabulary import CHECKPOINT_CODES, RULE_SEVERITY
    from practice.budget import usage_record
    from practice.llm.config import load_config
    from practice.llm.judge import JUDGE_PROMPT_VERSION, judge_transcript
    from practice.llm.openai_provider import OpenAIProvider

    config = load_config()
    provider = OpenAIProvider.from_config(config)
    rules = [
        {
            "code": r.code,
            "severity": r.severity,
            "title": r.title_en,
            "description": r.description_en,
        }
        for r in ComplianceRule.objects.filter(
            Q(organisation__isnull=True) | Q(organisation_id=conversation.organisation_id),
            is_active=True,
        )
    ]
    severities = {**RULE_SEVERITY, **{r["code"]: r["severity"] for r in rules}}
    outcome = judge_transcript(
        provider,
        model=config.judge_model,
        transcript=turns,
        rubric={"code": scorecard.rubric.code, "criteria": scorecard.rubric.criteria},
        rules=rules,
        checkpoints=CHECKPOINT_CODES,
        language=conversation.language,
    )
    usage_record(
        conversation=conversation,
        purpose="judge",
        model=outcome.completion.model,
        prompt_tokens=outcome.completion.prompt_tokens,
        completion_tokens=outcome.completion.completion_tokens,
        latency_ms=outcome.completion.latency_ms,
    )
    # The offline scorer's metrics and flags stand beside the judge's verdict.
    offline = _score_offline(conversation, scorecard, turns, product)
    judged = outcome.result
    weights = {c.get("code"): c for c in scorecard.rubric.criteria}
    criteria = []
    offline_by_code = {c["code"]: c for c in offline["criteria"]}
    for item in judged.get("criteria", []):
        spec = weights.get(item.get("criterion") or item.get("code"))
        if spec is None:
            continue
        if item.get("verified") is False and spec.get("code") in offline_by_code:
            # The judge's evidence could not be found in the transcript: its score is void; the
            # offline score stands in and a reviewer is asked to look (unverified_evidence flag).
            criteria.append(offline_by_code[spec.get("code")])
            continue
        max_score = float(spec.get("max_score") or 5)
        criteria.append(
            {
                "code": spec.get("code"),
                "skill": spec.get("skill", ""),
                "title": spec.get(f"title_{'en' if conversation.language == 'en' else 'zh'}", ""),
                "weight": float(spec.get("weight") or 0),
                "score": max(0.0, min(max_score, float(item.get("score") or 0))),
                "max_score": max_score,
                "rationale": item.get("rationale", ""),
                "evidence": item.get("evidence", []),
            }
        )
    findings = [
        {
            "rule": f["rule"],
            "severity": severities.get(f["rule"], "general"),
            "turn": f.get("turn"),
            "quote": f.get("quote", ""),
            "confidence": float(f.get("confidence") or 0.5),
            "source": FindingSource.LLM,
        }
        for f in judged.get("findings", [])
        if f.get("rule") in severities
    ]
    # The judge's criteria obey the same rules as the offline scorer's (scoring.policy).
    criteria = policy.criteria_finalise(
        criteria,
        findings=findings,
        objections=offline["objections"],
        language=conversation.language,
        rule_titles=offline["rule_titles"],
    )
    serious = any(f["severity"] == "serious" for f in findings)
    overall, passed = policy.overall_score(criteria, serious=serious)
    if overall is None:
        overall, passed = offline["overall"], offline["passed"]
    # The judge never removes a grader-instruction flag: offline detection always stands.
    flags = offline["flags"] + [f for f in outcome.flags if f not in offline["flags"]]
    if any(f["code"] == "grader_instruction" for f in flags):
        overall = min(overall, offline["overall"])
        passed = overall >= policy.PASS_MARK and not serious
    checkpoints = [
        {"code": c.get("code"), "reached": bool(c.get("reached")), "turn": c.get("turn")}
        for c in judged.get("checkpoints", [])
        if c.get("code") in CHECKPOINT_CODES
    ] or offline["checkpoints"]
    return {
        "provider": "openai",
        "model": outcome.completion.model,
        "prompt_version": JUDGE_PROMPT_VERSION,
        "overall": overall,
        "passed": passed,
        "criteria": criteria or offline["criteria"],
        "findings": findings,
        "checkpoints": checkpoints,
        "metrics": offline["metrics"],
        "flags": flags,
        "needs_review": outcome.needs_review
        or offline["needs_review"]
        or any(f["confidence"] < REVIEW_CONFIDENCE for f in findings),
    }


@transaction.atomic
def _store(scorecard_id: int, outcome: dict, *, latency_ms: int, notify: bool = True) -> Scorecard:
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard_id)
    if scorecard.status != ScorecardStatus.PENDING:  # another delivery finished first
        return scorecard
    CriterionScore.objects.bulk_create(
        CriterionScore(
            scorecard=scorecard,
            code=c["code"],
            skill=c["skill"],
            title=c["title"],
            weight=c["weight"],
            score=c["score"],
            ai_score=c["score"],
            max_score=c["max_score"],
            rationale=c["rationale"],
            evidence=c["evidence"],
            applicable=c.get("applicable", True),
        )
        for c in outcome["criteria"]
    )
    Finding.objects.bulk_create(
        Finding(
            scorecard=scorecard,
            rule_code=f["rule"],
            severity=f["severity"],
            turn=f["turn"],
            quote=f["quote"],
            confidence=f["confidence"],
            source=f["source"],
        )
        for f in outcome["findings"]
    )
    CheckpointResult.objects.bulk_create(
        CheckpointResult(scorecard=scorecard, code=c["code"], reached=c["reached"], turn=c["turn"])
        for c in outcome["checkpoints"]
    )
    scorecard.overall = outcome["overall"]
    scorecard.passed = outcome["passed"]
    scorecard.metrics = outcome["metrics"]
    scorecard.flags = outcome["flags"]
    scorecard.provider = outcome["provider"]
    scorecard.model = outcome["model"]
    scorecard.prompt_version = outcome["prompt_version"]
    scorecard.latency_ms = latency_ms
    scorecard.status = (
        ScorecardStatus.NEEDS_REVIEW if outcome["needs_review"] else ScorecardStatus.SCORED
    )
    scorecard.scored_at = timezone.now()
    scorecard.error = ""
    scorecard.save()
    if notify:
        transaction.on_commit(lambda: _after_scored(scorecard.pk))
    return scorecard


def _after_scored(scorecard_id: int) -> None:
    """Coaching aggregates (skill profiles, weaknesses) update from each new scorecard."""
    try:
        from coaching.tasks import coaching_update_for_scorecard
    except ImportError:
        return
    try:
        coaching_update_for_scorecard.delay(scorecard_id)
    except Exception:
        logger.warning("could not queue the coaching update for scorecard %s", scorecard_id)


def scorecard_fail(*, scorecard_id: int, reason: str) -> None:
    Scorecard.objects.filter(pk=scorecard_id, status=ScorecardStatus.PENDING).update(
        status=ScorecardStatus.FAILED, error=reason[:2000]
    )


def stale_pending_requeue(*, older_than_seconds: int = 300) -> int:
    """Pending scorecards that nobody is working on (a lost message) are queued again."""
    cutoff = timezone.now() - timezone.timedelta(seconds=older_than_seconds)
    stale = Scorecard.objects.filter(
        status=ScorecardStatus.PENDING, created_at__lt=cutoff
    ).values_list("pk", flat=True)
    count = 0
    for scorecard_id in stale[:500]:
        with transaction.atomic():
            outbox_enqueue(task=SCORE_TASK, kwargs={"scorecard_id": scorecard_id})
        count += 1
    return count
