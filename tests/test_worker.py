"""A task travels through the real broker to a real worker process and back to the database."""

import uuid

import pytest
from django.core.cache import cache

from accounts.tasks import worker_ping
from tests.conftest import wait_for

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_round_trip_through_real_broker_and_worker(celery_worker_process, settings):
    assert not settings.CELERY_TASK_ALWAYS_EAGER
    nonce = uuid.uuid4().hex
    worker_ping.delay(nonce)
    hostname = wait_for(lambda: cache.get(f"worker-ping:{nonce}"), timeout=30)
    assert hostname
    assert "ready." in celery_worker_process.log_path.read_text()
