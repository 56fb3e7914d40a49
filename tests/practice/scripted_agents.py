"""Scripted agents that play practice scenarios end to end.

``good_agent_messages(scenario)`` returns an agent that behaves as trainers teach: it introduces
itself, asks an open question on every topic the persona hides something about, answers each
objection with one of its resolution moves, answers the customer's product questions honestly,
reminds the duty of truthful disclosure and the cooling-off rules, and closes. ``poor_agent_messages``
returns one that pushes, breaks the rules and never asks. Both are callables that take the
customer's last reply (``None`` before the opening) and return the next agent message, or
``None`` when they have nothing more to say. ``play`` runs one against the persona engine; the
same agents generate demo history.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

# The phrase tables are shared with the demo-history agents, so tests exercise the same lines.
from coaching.demo_agents import (
    CLOSES,
    MOVE_ANSWERS,
    ONE_YEAR_TYPES,
    PITCHES,
    PRODUCT_ANSWERS,
    TOPIC_QUESTIONS,
)
from practice.persona import CustomerReply, PersonaEngine
from practice.persona.engine import PRODUCT_TYPES
from practice.persona.understanding import SENSITIVE_TOPICS

# fmt: off
DISCLOSURES = {
    "long": {
        "zh": "还有两点要提前说明：投保时请如实告知健康状况，包括体检异常和正在吃的药，否则可能影响理赔；签约后有15天犹豫期，期间可以全额退保。",
        "en": "Two things before you decide: please disclose your health truthfully on the application, including check-up findings and medication, or a claim could be affected; and after signing there is a 15-day cooling-off period with a full refund.",
    },
    "one_year": {
        "zh": "还有两点要说明：投保前请如实告知健康情况，否则可能影响理赔；这是一年期产品，一般没有犹豫期，不过可以随时申请退保，退还未满期的保费。",
        "en": "Two things before you decide: please disclose your health truthfully, or a claim could be affected; and as a one-year policy it usually has no cooling-off period, but you can cancel any time and get the unused premium back.",
    },
}

GREETINGS = {
    "zh": "{name}您好，我是安澜人寿的保险顾问李明，工号A1024。今天想花几分钟了解一下您的情况，您现在方便吗？",
    "en": "Hello {name}, my name is Lily Chen, an adviser with Anlan Life, agent number A1024. I'd like a few minutes to understand your situation. Is now a good time?",
}

# Each poor message carries the rule codes a compliance detector would find in it.
POOR_MESSAGES: dict[str, list[tuple[str, tuple[str, ...]]]] = {
    "zh": [
        ("您好，我们这款产品特别好，名额有限，今天必须给您办上。", ()),
        ("我们这个产品特别好，收益保证每年5%，跟存银行一样，还比银行高，今天必须定下来。", ("guaranteed_return", "deposit_confusion")),
        ("别犹豫了，这个产品下周就停售，名额有限，过了今天就没了。", ("false_urgency",)),
        ("什么病都赔，没有任何免责，条款不用看，您放心签就行。", ("exaggerated_coverage", "concealed_exclusions")),
        ("健康告知随便勾个没有就行，他们不会查的，赶紧签。", ("induced_nondisclosure",)),
        ("别家公司都是骗子，出了事根本不赔，只有我们靠谱。", ("competitor_disparagement",)),
        ("您马上签，我返您首年保费的两成，字我也可以帮您代签。", ("improper_benefit", "proxy_signature")),
    ],
    "en": [
        ("Hi, this plan is really popular and spots are limited, so you must decide today.", ()),
        ("This plan is great, a guaranteed 5% every year, just like a bank deposit but better. You must decide today.", ("guaranteed_return", "deposit_confusion")),
        ("Don't hesitate, the product is withdrawn next week, limited spots, this is your last chance.", ("false_urgency",)),
        ("Every illness is covered, there are no exclusions, no need to read the small print, just sign now.", ("exaggerated_coverage", "concealed_exclusions")),
        ("Just tick no on the health questions, they never check. Hurry.", ("induced_nondisclosure",)),
        ("The other insurers are all crooks who never pay. Only we are reliable.", ("competitor_disparagement",)),
        ("Sign right now and I'll give you back 20% of the first premium, and I can sign the forms for you.", ("improper_benefit", "proxy_signature")),
    ],
}
# fmt: on


def product_type(scenario: Mapping[str, Any]) -> str:
    return str(scenario.get("product_type") or PRODUCT_TYPES.get(str(scenario.get("product")), ""))


def product_answer(topic: str, ptype: str, language: str) -> str | None:
    by_type = PRODUCT_ANSWERS.get(topic)
    if not by_type:
        return None
    return (by_type.get(ptype) or by_type["_"])[language]


class GoodAgent:
    """An agent who works the SOP: open, discover, explain, disclose, close."""

    def __init__(self, scenario: Mapping[str, Any]) -> None:
        self.scenario = scenario
        self.language = "en" if scenario.get("language") == "en" else "zh"
        self.ptype = product_type(scenario)
        persona = scenario.get("persona") or {}
        self.name = str(persona.get("name") or "")
        items = list(persona.get("hidden_facts") or []) + list(persona.get("needs") or [])
        topics = list(dict.fromkeys(str(i["topic"]) for i in items))
        # Private matters come after some rapport, as trainers teach.
        self.topics = [t for t in topics if t not in SENSITIVE_TOPICS] + [
            t for t in topics if t in SENSITIVE_TOPICS
        ]
        self.retried: set[str] = set()
        self.objections = list(persona.get("objections") or [])
        self.moves_tried: dict[str, int] = {}
        self.stage = "greet"
        self.closes = 0
        self.last_topic: str | None = None
        self.answered: set[str] = set()
        self.last_breaches: tuple[str, ...] = ()

    def __call__(self, reply: CustomerReply | None) -> str | None:
        if reply is not None and reply.ended:
            return None
        if self.stage == "greet":
            self.stage = "discover"
            return GREETINGS[self.language].format(name=self.name)
        assert reply is not None
        if self.last_topic and reply.intent not in ("reveal", "objection"):
            self._retry(self.last_topic)
        self.last_topic = None
        if reply.intent in ("objection", "pushback") and reply.objection_type:
            return self._answer_objection(reply.objection_type)
        if reply.topic and reply.topic not in self.answered:
            # The customer asked something (possibly after agreeing to a point): answer it.
            answer = product_answer(reply.topic, self.ptype, self.language)
            if answer:
                self.answered.add(reply.topic)
                return answer
        return self._next_step()

    def _next_step(self) -> str | None:
        if self.stage == "discover":
            if self.topics:
                topic = self.topics.pop(0)
                self.last_topic = topic
                return TOPIC_QUESTIONS[topic][self.language]
            self.stage = "pitch"
        if self.stage == "pitch":
            self.stage = "disclose"
            return PITCHES[self.ptype][self.language]
        if self.stage == "disclose":
            self.stage = "close"
            kind = "one_year" if self.ptype in ONE_YEAR_TYPES else "long"
            return DISCLOSURES[kind][self.language]
        if self.closes >= 5:
            return None
        self.closes += 1
        return CLOSES[self.language]

    def _retry(self, topic: str) -> None:
        """A topic the customer would not open up on yet is asked again once, later."""
        if topic not in self.retried:
            self.retried.add(topic)
            self.topics.append(topic)

    def _answer_objection(self, objection_type: str) -> str:
        objection = next(
            (o for o in self.objections if o.get("type") == objection_type), self.objections[0]
        )
        moves = list(objection.get("resolved_by") or ["no_pressure"])
        tried = self.moves_tried.get(objection["code"], 0)
        self.moves_tried[objection["code"]] = tried + 1
        return MOVE_ANSWERS[moves[tried % len(moves)]][self.language]


class PoorAgent:
    """An agent who pushes, breaks the rules and never asks a question."""

    def __init__(self, scenario: Mapping[str, Any]) -> None:
        self.language = "en" if scenario.get("language") == "en" else "zh"
        self.index = 0
        self.last_breaches: tuple[str, ...] = ()

    def __call__(self, reply: CustomerReply | None) -> str | None:
        if reply is not None and reply.ended:
            return None
        messages = POOR_MESSAGES[self.language]
        text, self.last_breaches = messages[self.index % len(messages)]
        self.index += 1
        return text


def good_agent_messages(scenario: Mapping[str, Any]) -> GoodAgent:
    return GoodAgent(scenario)


def poor_agent_messages(scenario: Mapping[str, Any]) -> PoorAgent:
    return PoorAgent(scenario)


@dataclass
class PlayedSession:
    turns: list[tuple[str, str]] = field(default_factory=list)  # (speaker, text)
    replies: list[CustomerReply] = field(default_factory=list)
    states: list[dict] = field(default_factory=list)

    @property
    def state(self) -> dict:
        return self.states[-1]

    @property
    def outcome(self) -> str | None:
        return self.state.get("outcome")


def play(
    scenario: Mapping[str, Any],
    agent: Callable[[CustomerReply | None], str | None],
    *,
    seed: int = 0,
    max_turns: int = 40,
    detector: Callable[[str], Sequence[str]] | None = None,
) -> PlayedSession:
    """Run a scripted agent against the persona engine until the call ends or the agent stops.

    ``detector`` finds compliance breaches in agent text; without one the agent's own
    ``last_breaches`` are used.
    """
    engine = PersonaEngine(scenario, seed=seed)
    state = engine.initial_state()
    reply, state = engine.opening(state)
    session = PlayedSession(turns=[("customer", reply.text)], replies=[reply], states=[state])
    for _ in range(max_turns):
        text = agent(reply)
        if text is None:
            break
        if detector is not None:
            breaches = tuple(detector(text))
        else:
            breaches = tuple(getattr(agent, "last_breaches", ()))
        reply, state = engine.reply(state, text, breaches=breaches)
        session.turns += [("agent", text), ("customer", reply.text)]
        session.replies.append(reply)
        session.states.append(state)
        if reply.ended:
            break
    return session
