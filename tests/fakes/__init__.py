"""Fakes of external services that tests talk to over real protocols."""

from tests.fakes.openai_server import (
    Delay,
    FakeOpenAI,
    Malformed,
    RecordedRequest,
    Reply,
    Status,
    StreamCut,
    Truncated,
)

__all__ = [
    "Delay",
    "FakeOpenAI",
    "Malformed",
    "RecordedRequest",
    "Reply",
    "Status",
    "StreamCut",
    "Truncated",
]
