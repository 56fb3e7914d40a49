"""Celery tasks of the coaching app (``bulk`` queue): the per-scorecard update and the nightly
rebuild. Both re-read everything from the database, so a re-delivered task is harmless."""

import logging

from celery import shared_task

logger = logging.getLogger(__name__)


@shared_task(
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=180,
)
def coaching_update_for_scorecard(self, scorecard_id: int) -> None:
    from coaching.services import coaching_update_for_scorecard as update

    try:
        update(scorecard_id=scorecard_id)
    except Exception as exc:
        logger.exception("coaching update for scorecard %s failed", scorecard_id)
        if self.request.retries >= self.max_retries:
            return  # the nightly rebuild recomputes it
        raise self.retry(exc=exc, countdown=2 ** (self.request.retries + 1)) from exc


@shared_task(acks_late=True, ignore_result=True, soft_time_limit=3300, time_limit=3600)
def coaching_nightly() -> dict:
    from coaching.services import nightly_check

    return nightly_check()
