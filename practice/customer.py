"""The simulated customer of a practice session, behind one interface for both providers.

The offline persona engine always runs: it keeps the customer's state (trust, mood, revealed
facts, objections, outcome) that the page and the after-session reveal show. With the
``openai`` provider a model writes the customer's words from the same scenario, and the engine
keeps the books.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from practice.llm.config import load_config
from practice.models import Conversation
from practice.persona import PersonaEngine

# Stream the offline customer's words in short pieces, so the page shows them arriving.
_CHUNK = re.compile(r".{1,6}(?:[，。！？、,.!?;；]\s*|\s+|$)|.{1,6}", re.S)


@dataclass
class CustomerTurn:
    text: str = ""
    meta: dict = field(default_factory=dict)
    state: dict = field(default_factory=dict)
    model: str = ""
    prompt_tokens: int = 0
    completion_tokens: int = 0
    latency_ms: int = 0


def _engine(conversation: Conversation) -> PersonaEngine:
    return PersonaEngine(conversation.scenario.as_record(), seed=conversation.seed)


def opening(conversation: Conversation) -> CustomerTurn:
    engine = _engine(conversation)
    reply, state = engine.opening(engine.initial_state())
    return CustomerTurn(text=reply.text, meta={"intent": reply.intent}, state=state)


def chunks(text: str) -> list[str]:
    return [piece for piece in _CHUNK.findall(text) if piece]


class ReplyStream:
    """Iterate for the reply's text pieces; ``result`` holds the whole turn afterwards."""

    def __init__(
        self, conversation: Conversation, history: Sequence[dict], agent_text: str, breaches
    ):
        self.conversation = conversation
        self.history = history
        self.agent_text = agent_text
        self.breaches = list(breaches)
        self.result = CustomerTurn()

    def __iter__(self) -> Iterator[str]:
        engine = _engine(self.conversation)
        reply, state = engine.reply(
            self.conversation.state, self.agent_text, breaches=self.breaches
        )
        meta = {
            "intent": reply.intent,
            "topic": reply.topic,
            "objection_type": reply.objection_type,
            "outcome": reply.outcome,
            "ended": reply.ended,
        }
        self.result.state = state
        self.result.meta = meta
        if self.conversation.provider != "openai":
            self.result.text = reply.text
            yield from chunks(reply.text)
            return
        yield from self._from_model(meta)

    def _from_model(self, meta: dict) -> Iterator[str]:
        from practice.llm.customer import LLMCustomer

        customer = LLMCustomer.for_scenario(
            self.conversation.scenario.as_record(), config=load_config()
        )
        stream = customer.stream(list(self.history))
        yield from stream
        reply = stream.result
        self.result.text = reply.text
        self.result.model = reply.model
        self.result.prompt_tokens = reply.prompt_tokens
        self.result.completion_tokens = reply.completion_tokens
        self.result.latency_ms = reply.latency_ms
        if reply.character_break:
            meta["character_break"] = reply.character_break
