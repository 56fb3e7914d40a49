"""Pytest fixtures for the fakes; import them explicitly into a test module to use them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeOpenAI


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAI]:
    """A fresh fake OpenAI-compatible server; ``.base_url`` ends in ``/v1``."""
    server = FakeOpenAI().start()
    try:
        yield server
    finally:
        server.stop()
