"""The Celery application: queues by latency, safe delivery defaults, the beat schedule.

Queues: ``realtime`` for per-turn work (deeper compliance checks during practice), ``scoring``
for scorecards, ``bulk`` for imports and re-aggregation. Tasks are acknowledged after they run
(``acks_late``) and re-queued when a worker dies, so a killed worker loses nothing; every task
must therefore be idempotent (see the tasks modules).
"""

import os

from celery import Celery
from kombu import Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("peilian")
app.config_from_object("django.conf:settings", namespace="CELERY")

app.conf.update(
    task_queues=(Queue("realtime"), Queue("scoring"), Queue("bulk")),
    task_default_queue="bulk",
    # One place says which queue a task runs on; tasks are named by their module path.
    task_routes={
        "accounts.tasks.*": {"queue": "realtime"},
        "practice.tasks.realtime_*": {"queue": "realtime"},
        "practice.tasks.score_*": {"queue": "scoring"},
        "practice.tasks.*": {"queue": "scoring"},
        "*": {"queue": "bulk"},
    },
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    task_acks_on_failure_or_timeout=True,
    task_time_limit=300,
    task_soft_time_limit=240,
    task_track_started=False,
    task_serializer="json",
    accept_content=["json"],
    result_serializer="json",
    task_ignore_result=True,
    worker_prefetch_multiplier=1,
    worker_hijack_root_logger=False,
    broker_connection_retry_on_startup=True,
    broker_connection_timeout=4,
    task_publish_retry=True,
    task_publish_retry_policy={"max_retries": 2, "interval_start": 0, "interval_step": 0.5},
    beat_schedule={
        # Work whose message never reached the broker (it was down) is sent from the outbox.
        "outbox-drain": {"task": "practice.tasks.outbox_drain", "schedule": 10.0},
        # Pending scorecards whose task was lost are queued again.
        "sweep-stale-scorecards": {
            "task": "practice.tasks.sweep_stale_scorecards",
            "schedule": 120.0,
        },
    },
    timezone="Asia/Shanghai",
)
app.autodiscover_tasks()
