"""Celery tasks of the practice app: scoring (``scoring`` queue), deep per-turn compliance checks
(``realtime`` queue), and the periodic outbox drain and stale-work sweep.

Tasks take ids, re-read rows and guard on status, so a re-delivered task is a no-op; they are
acknowledged late, so a worker killed mid-task has its task delivered again.
"""

import logging

from celery import shared_task

from practice.llm.errors import (
    LLMError,
    LLMMalformedOutput,
    LLMRateLimited,
    LLMTimeout,
    LLMUnavailable,
)

logger = logging.getLogger(__name__)

RETRYABLE = (LLMTimeout, LLMRateLimited, LLMUnavailable, LLMMalformedOutput)
SCORE_MAX_RETRIES = 3


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=SCORE_MAX_RETRIES)
def score_conversation(self, scorecard_id: int) -> None:
    from django.conf import settings

    from practice.scoring.pipeline import scorecard_fail, scorecard_score

    base = settings.SCORING_RETRY_BASE_SECONDS
    try:
        scorecard_score(scorecard_id=scorecard_id, claim=self.request.id)
    except RETRYABLE as exc:
        if self.request.retries >= self.max_retries:
            scorecard_fail(
                scorecard_id=scorecard_id, reason=f"{exc.code}: {exc.message} {exc.detail}".strip()
            )
            return
        countdown = min(60.0, base * 2**self.request.retries)
        raise self.retry(exc=exc, countdown=countdown) from exc
    except LLMError as exc:
        scorecard_fail(
            scorecard_id=scorecard_id, reason=f"{exc.code}: {exc.message} {exc.detail}".strip()
        )
    except Exception as exc:
        logger.exception("scoring scorecard %s failed", scorecard_id)
        if self.request.retries >= self.max_retries:
            scorecard_fail(scorecard_id=scorecard_id, reason=f"{exc.__class__.__name__}: {exc}")
            return
        raise self.retry(exc=exc, countdown=min(60.0, base * 2**self.request.retries)) from exc


@shared_task(acks_late=True, ignore_result=True)
def realtime_check_turn(turn_id: int) -> None:
    from practice.realtime import deep_check_turn

    deep_check_turn(turn_id=turn_id)


@shared_task(ignore_result=True)
def outbox_drain() -> int:
    from practice.scoring.pipeline import outbox_drain as drain

    return drain()


@shared_task(ignore_result=True)
def sweep_stale_scorecards() -> int:
    from practice.scoring.pipeline import stale_pending_requeue

    return stale_pending_requeue()
