"""Worker diagnostics: a round trip through the broker and the worker to the database."""

import socket

from celery import shared_task
from django.core.cache import cache


@shared_task(ignore_result=True)
def worker_ping(nonce: str) -> None:
    """Leave a trace that a worker picked this up: proves broker → worker → database."""
    cache.set(f"worker-ping:{nonce}", socket.gethostname(), timeout=300)
