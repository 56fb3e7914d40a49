"""A worker killed in the middle of scoring loses nothing, and nothing is scored twice.

Scoring is made slow the way it is slow in production: the worker talks to an LLM endpoint (the
fake server) that takes its time to answer. While the request hangs, the worker is killed with
SIGKILL. The message was not acknowledged (``acks_late``), so it is delivered again; the task
re-reads the scorecard and scores it once. A pending scorecard whose message was lost altogether
is picked up by the periodic sweep.
"""

import os
import signal
import time

import pytest
from django.db import transaction
from django.utils import timezone

from practice import services
from practice.models import Conversation, CriterionScore, Scorecard, ScorecardStatus
from practice.scoring.pipeline import SCORE_TASK, outbox_enqueue, rubric_for, stale_pending_requeue
from tests.conftest import wait_for
from tests.fakes.openai_server import Delay
from tests.reliability.processes import WorkerProcess, on_redis, unique_queue

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

VISIBILITY_TIMEOUT = 5
DONE = {ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW}


def finished_conversation(agent, scenario, *, provider: str) -> Conversation:
    conversation = services.session_start(user=agent, scenario=scenario, seed=7)
    for text in (
        "您好，我是安澜人寿的顾问李明，工号A12345。",
        "您家里孩子多大了？平时有什么顾虑？",
    ):
        services.turn_take(conversation=conversation, user=agent, text=text)
    Conversation.objects.filter(pk=conversation.pk).update(
        status="finished", finished_at=timezone.now(), provider=provider
    )
    conversation.refresh_from_db()
    return conversation


def request_scoring(conversation: Conversation, *, queue: str) -> Scorecard:
    """What ``scorecard_request`` does, but on a queue only this test's worker listens to."""
    with transaction.atomic():
        scorecard = Scorecard.objects.create(
            organisation_id=conversation.organisation_id,
            conversation=conversation,
            rubric=rubric_for(conversation),
        )
        outbox_enqueue(task=SCORE_TASK, kwargs={"scorecard_id": scorecard.pk}, queue=queue)
    return scorecard


def assert_scored_exactly_once(scorecard: Scorecard) -> None:
    scorecard.refresh_from_db()
    assert scorecard.status in DONE, (scorecard.status, scorecard.error)
    assert Scorecard.objects.filter(conversation_id=scorecard.conversation_id).count() == 1
    codes = list(CriterionScore.objects.filter(scorecard=scorecard).values_list("code", flat=True))
    rubric_codes = [c["code"] for c in scorecard.rubric.criteria]
    assert sorted(codes) == sorted(rubric_codes), "one set of criteria, no duplicates"


@pytest.fixture
def slow_llm_env(fake_openai):
    # The first judge call hangs long enough for the test to kill the worker in the middle.
    fake_openai.push(Delay(60))
    return {
        "LLM_PROVIDER": "openai",
        "LLM_BASE_URL": fake_openai.base_url,
        "LLM_API_KEY": "test-key",
        "LLM_TIMEOUT": "120",
        "LLM_MAX_RETRIES": "0",
        "CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
    }


def test_pool_child_killed_mid_scoring_task_is_redelivered_and_scored_once(
    agent, scenario_zh, fake_openai, slow_llm_env, tmp_path
):
    queue = unique_queue()
    worker = WorkerProcess(queues=queue, log_dir=tmp_path, env=slow_llm_env).wait_ready()
    try:
        conversation = finished_conversation(agent, scenario_zh, provider="openai")
        scorecard = request_scoring(conversation, queue=queue)
        wait_for(lambda: len(fake_openai.chat_requests) >= 1, timeout=30)
        children = worker.pool_children()
        assert children, "the prefork pool has a child running the task"
        for pid in children:
            os.kill(pid, signal.SIGKILL)

        wait_for(
            lambda: Scorecard.objects.get(pk=scorecard.pk).status in DONE, timeout=60, interval=0.2
        )
        assert_scored_exactly_once(scorecard)
        scorecard.refresh_from_db()
        assert scorecard.attempts == 2, "scored by the second delivery"
        assert scorecard.provider == "openai"
        assert len(fake_openai.chat_requests) == 2
        assert "WorkerLostError" in worker.log()
    finally:
        worker.stop()


def test_whole_worker_killed_mid_scoring_message_returns_to_a_new_worker(
    agent, scenario_zh, fake_openai, slow_llm_env, tmp_path
):
    if not on_redis():
        pytest.skip(
            "needs CELERY_BROKER_URL=redis://…: the filesystem broker deletes a message when it "
            "hands it out, so a SIGKILLed main process loses it; the stale-scorecard sweep "
            "(test below) is what recovers that case"
        )
    queue = unique_queue()
    first = WorkerProcess(queues=queue, log_dir=tmp_path, env=slow_llm_env).wait_ready()
    second = None
    try:
        conversation = finished_conversation(agent, scenario_zh, provider="openai")
        scorecard = request_scoring(conversation, queue=queue)
        wait_for(lambda: len(fake_openai.chat_requests) >= 1, timeout=30)
        delivered_at = time.monotonic()
        first.kill()
        assert Scorecard.objects.get(pk=scorecard.pk).status == ScorecardStatus.PENDING

        # A worker restores unacknowledged messages older than the visibility timeout when it
        # starts polling; start the new one once the message has become visible again.
        time.sleep(max(0.0, delivered_at + VISIBILITY_TIMEOUT + 0.5 - time.monotonic()))
        second = WorkerProcess(queues=queue, log_dir=tmp_path, env=slow_llm_env).wait_ready()
        wait_for(
            lambda: Scorecard.objects.get(pk=scorecard.pk).status in DONE, timeout=60, interval=0.2
        )
        assert_scored_exactly_once(scorecard)
        scorecard.refresh_from_db()
        assert scorecard.attempts == 2
        assert len(fake_openai.chat_requests) == 2
    finally:
        first.stop()
        if second is not None:
            second.stop()


def test_stale_pending_scorecard_without_message_is_requeued_and_scored(
    agent, scenario_zh, celery_worker_process
):
    conversation = finished_conversation(agent, scenario_zh, provider="offline")
    # The message never reached the broker and the outbox holds nothing: only the row is left.
    scorecard = Scorecard.objects.create(
        organisation_id=conversation.organisation_id,
        conversation=conversation,
        rubric=rubric_for(conversation),
    )
    Scorecard.objects.filter(pk=scorecard.pk).update(
        created_at=timezone.now() - timezone.timedelta(minutes=10)
    )
    fresh = Scorecard.objects.create(
        organisation_id=conversation.organisation_id,
        conversation=finished_conversation(agent, scenario_zh, provider="offline"),
        rubric=rubric_for(conversation),
    )

    assert stale_pending_requeue(older_than_seconds=300) == 1

    wait_for(lambda: Scorecard.objects.get(pk=scorecard.pk).status in DONE, timeout=60)
    assert_scored_exactly_once(scorecard)
    # a scorecard younger than the threshold is somebody's work in progress: left alone
    assert Scorecard.objects.get(pk=fresh.pk).status == ScorecardStatus.PENDING


def test_sweep_takes_over_a_scorecard_claimed_by_a_dead_delivery(
    agent, scenario_zh, celery_worker_process
):
    """A worker died holding the claim and its message is gone (filesystem broker, SIGKILL of
    the main process): once the claim's lease has run out, the sweep's new task scores it."""
    from practice.scoring.pipeline import CLAIM_LEASE_SECONDS

    conversation = finished_conversation(agent, scenario_zh, provider="offline")
    scorecard = Scorecard.objects.create(
        organisation_id=conversation.organisation_id,
        conversation=conversation,
        rubric=rubric_for(conversation),
    )
    long_ago = timezone.now() - timezone.timedelta(seconds=CLAIM_LEASE_SECONDS + 60)
    Scorecard.objects.filter(pk=scorecard.pk).update(
        created_at=long_ago, scoring_claim="task-of-a-dead-worker", scoring_claimed_at=long_ago
    )

    assert stale_pending_requeue(older_than_seconds=300) == 1

    wait_for(lambda: Scorecard.objects.get(pk=scorecard.pk).status in DONE, timeout=60)
    assert_scored_exactly_once(scorecard)
