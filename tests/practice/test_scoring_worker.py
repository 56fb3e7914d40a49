"""Scoring in a real Celery worker: a finished session gets its scorecard, a task delivered twice
scores once, and LLM faults (through the fake OpenAI-compatible server) are retried, then end in a
visible ``failed`` state that a trainer can re-run.

The LLM tests start their own worker with the LLM settings in its environment (settings are read
from the environment at start-up) on a private queue, so the shared worker — which scores offline —
never takes their messages.
"""

import subprocess
import sys
import time
import uuid

import pytest
from django.db import transaction

from practice.calls import call_import
from practice.models import (
    Conversation,
    CriterionScore,
    Finding,
    OutboxMessage,
    Scorecard,
    ScorecardStatus,
)
from practice.scoring.pipeline import SCORE_TASK, rubric_for, scorecard_rerun
from tests.conftest import ROOT, _worker_env, wait_for
from tests.fakes.openai_server import FakeOpenAI, Reply, Status

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LLM_QUEUE = f"scoring-llm-{uuid.uuid4().hex[:6]}"
TURNS = [
    {"speaker": "agent", "text": "您好，我是安澜人寿的顾问李明，工号A12345。"},
    {"speaker": "customer", "text": "你好，什么事？"},
    {"speaker": "agent", "text": "想先了解一下您家里的情况，孩子多大了？"},
    {"speaker": "customer", "text": "孩子五岁。"},
    {"speaker": "agent", "text": "这款产品有90天等待期，签约后有15天犹豫期，可以全额退保。"},
    {"speaker": "customer", "text": "好，我考虑一下。"},
]


def judge_reply(rubric) -> dict:
    """A well-grounded judge answer: every quote is verbatim from an agent turn."""
    quotes = {0: "我是安澜人寿的顾问李明", 2: "孩子多大了", 4: "90天等待期"}
    criteria = []
    for i, c in enumerate(rubric.criteria):
        turn = list(quotes)[i % 3]
        criteria.append(
            {
                "criterion": c["code"],
                "skill": c["skill"],
                "score": 4,
                "max_score": c.get("max_score", 5),
                "rationale": "有依据",
                "evidence": [{"turn": turn, "quote": quotes[turn]}],
            }
        )
    return {
        "criteria": criteria,
        "findings": [],
        "checkpoints": [
            {"code": "identity_disclosed", "reached": True, "turn": 0},
            {"code": "cooling_off_disclosed", "reached": True, "turn": 4},
        ],
        "flags": [],
    }


@pytest.fixture(scope="module")
def fake_llm():
    server = FakeOpenAI().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def llm_worker(django_db_setup, django_db_blocker, fake_llm, tmp_path_factory):
    """A worker whose environment points the judge at the fake server, on a private queue."""
    log_path = tmp_path_factory.mktemp("llm-worker") / "worker.log"
    env = _worker_env()
    env.update(
        LLM_BASE_URL=fake_llm.base_url,
        LLM_PROVIDER="openai",
        LLM_API_KEY="test-key",
        LLM_TIMEOUT="1",
        LLM_MAX_RETRIES="0",
    )
    with open(log_path, "w") as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "-Q",
                LLM_QUEUE,
                "--concurrency",
                "1",
                "--pool",
                "solo",
                "--loglevel",
                "INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"llm-{uuid.uuid4().hex[:6]}@%h",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while "ready." not in log_path.read_text():
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("LLM worker did not start:\n" + log_path.read_text())
            time.sleep(0.2)
        process.log_path = log_path
        yield process
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def send_score(scorecard_id: int, queue: str = "scoring") -> None:
    from config.celery import app

    app.send_task(SCORE_TASK, kwargs={"scorecard_id": scorecard_id}, queue=queue)


def scorecard_status(pk: int) -> str:
    return Scorecard.objects.values_list("status", flat=True).get(pk=pk)


def settled(pk: int):
    status = scorecard_status(pk)
    return status if status != ScorecardStatus.PENDING else None


def openai_call(org, trainer) -> tuple[Conversation, Scorecard]:
    """A call to be judged by the ``openai`` provider, its pending scorecard not yet queued."""
    with transaction.atomic():
        conversation = call_import(
            organisation=org, actor=trainer, title="judge me", language="zh", turns=TURNS
        )
        Conversation.objects.filter(pk=conversation.pk).update(provider="openai")
        # The import queued the scorecard for the shared queue; this test delivers it itself.
        OutboxMessage.objects.all().delete()
        Scorecard.objects.filter(conversation=conversation).delete()
        scorecard = Scorecard.objects.create(
            organisation=org, conversation=conversation, rubric=rubric_for(conversation)
        )
    return conversation, scorecard


# --- the shared worker --------------------------------------------------------------------
def test_finished_session_is_scored_by_the_worker(celery_worker_process, agent, scenario_zh):
    from practice import services

    conversation = services.session_start(user=agent, scenario=scenario_zh)
    for text in (
        "您好，我是安澜人寿的顾问李明，工号A12345。想先了解一下您家里的情况？",
        "这款产品有90天等待期，等待期内确诊不赔；签约后有15天犹豫期，可以全额退保。",
    ):
        services.turn_take(conversation=conversation, user=agent, text=text)
    scorecard = services.session_finish(conversation=conversation, user=agent)
    assert scorecard.status == ScorecardStatus.PENDING
    status = wait_for(lambda: settled(scorecard.pk), timeout=30)
    assert status in (ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW)
    scorecard.refresh_from_db()
    assert scorecard.provider == "offline" and scorecard.overall is not None
    assert scorecard.criteria.count() == len(scorecard.rubric.criteria)
    assert OutboxMessage.objects.get(kwargs={"scorecard_id": scorecard.pk}).sent_at is not None


def succeeded(worker) -> int:
    return sum(
        1
        for line in worker.log_path.read_text().splitlines()
        if "score_conversation[" in line and "succeeded" in line
    )


def test_task_delivered_twice_scores_once(celery_worker_process, seeded_org, trainer):
    before = succeeded(celery_worker_process)
    with transaction.atomic():
        conversation = call_import(
            organisation=seeded_org, actor=trainer, title="twice", language="zh", turns=TURNS
        )
    scorecard = conversation.scorecards.get()
    send_score(scorecard.pk)
    send_score(scorecard.pk)
    wait_for(lambda: settled(scorecard.pk), timeout=30)
    # the outbox delivery and both extra deliveries have all run to the end
    wait_for(lambda: succeeded(celery_worker_process) >= before + 3, timeout=30)
    assert Scorecard.objects.filter(conversation=conversation).count() == 1
    assert CriterionScore.objects.filter(scorecard=scorecard).count() == len(
        scorecard.rubric.criteria
    )
    codes = list(CriterionScore.objects.filter(scorecard=scorecard).values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    scorecard.refresh_from_db()
    # concurrent deliveries may both do the work; only one may store it
    assert 1 <= scorecard.attempts <= 3
    assert scorecard.status in (ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW)
    findings = list(Finding.objects.filter(scorecard=scorecard).values_list("rule_code", "turn"))
    assert len(findings) == len(set(findings))


# --- LLM faults ---------------------------------------------------------------------------
def test_llm_500_once_then_valid_judge_is_scored_by_openai(
    llm_worker, fake_llm, seeded_org, trainer
):
    _conversation, scorecard = openai_call(seeded_org, trainer)
    fake_llm.reset()
    fake_llm.push(Status(500), Reply(json=judge_reply(scorecard.rubric)))
    send_score(scorecard.pk, queue=LLM_QUEUE)
    status = wait_for(lambda: settled(scorecard.pk), timeout=40)
    assert status in (ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW), Scorecard.objects.get(
        pk=scorecard.pk
    ).error
    scorecard.refresh_from_db()
    assert scorecard.provider == "openai" and scorecard.model
    assert scorecard.attempts == 2  # the 500, then the answer
    assert len(fake_llm.chat_requests) == 2
    criteria = list(scorecard.criteria.all())
    assert {c.code for c in criteria} == {c["code"] for c in scorecard.rubric.criteria}
    assert all(c.score == 4 and c.evidence for c in criteria)
    # what left for the endpoint was the stored, already redacted transcript
    assert "孩子多大了" in fake_llm.chat_requests[-1].text


def test_llm_failing_throughout_ends_failed_with_reason_and_rerun_requeues(
    llm_worker, celery_worker_process, fake_llm, seeded_org, trainer, login
):
    conversation, scorecard = openai_call(seeded_org, trainer)
    fake_llm.reset()
    fake_llm.default = Status(503, message="upstream overloaded")
    try:
        send_score(scorecard.pk, queue=LLM_QUEUE)
        status = wait_for(lambda: settled(scorecard.pk), timeout=60)
    finally:
        fake_llm.default = None
    assert status == ScorecardStatus.FAILED
    scorecard.refresh_from_db()
    assert "upstream overloaded" in scorecard.error or "503" in scorecard.error, scorecard.error
    assert scorecard.attempts == 4  # first try and three retries
    assert len(fake_llm.chat_requests) == 4

    page = login(trainer).get(f"/practice/calls/{conversation.pk}/").content.decode()
    assert 'data-testid="scorecard-failed"' in page and scorecard.error[:20] in page
    queue_page = login(trainer).get("/practice/review/").content.decode()
    assert f"/practice/scorecards/{scorecard.pk}/rerun/" in queue_page

    with transaction.atomic():
        scorecard_rerun(scorecard=scorecard)
    scorecard.refresh_from_db()
    assert scorecard.error == ""
    message = OutboxMessage.objects.filter(kwargs={"scorecard_id": scorecard.pk}).latest("id")
    wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).sent_at, timeout=10)
    # the shared worker takes it up again (it scores offline: its environment has no endpoint)
    status = wait_for(lambda: settled(scorecard.pk), timeout=30)
    assert status in (ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW)
