"""The offline simulated customer: a deterministic persona engine.

When no LLM endpoint is configured, the customer of a practice session is played by
:class:`PersonaEngine`, a state machine over one scenario's persona. It is meant to be a real
sparring partner: what the agent does changes what the customer says and whether the customer
buys.

How a persona behaves (for trainers writing ``seed/scenarios.yaml`` records)
--------------------------------------------------------------------------

*Hidden facts and needs.* Each fact and need has a persona ``topic`` (age, family, income,
occupation, health, existing_cover, debts, budget, goals, retirement, education, assets). It is
said only when the agent asks a question on that topic. A genuine open question ("您家里主要
是谁在挣钱？", "What worries you most?") gets up to two facts of the topic and its needs; a closed
yes/no question ("您结婚了吗？") gets one fact and never a need. A question without a topic gets
"你具体想问什么？". Income, assets, debts and health are private: below trust
``GUARDED_TRUST`` (30) the customer declines to talk about them. A fact is said once; asking
again gets "我刚才说过了……" and costs a little trust.

*Objections.* ``trigger`` decides when an objection is raised: ``{after_turn: N}`` in the reply
to the agent's N-th message, ``{topic: budget}`` when the agent mentions the topic (asking about
the budget or quoting a premium), ``{on_close: true}`` when the agent tries to close. Any
objection not raised yet is raised when the agent closes, because a real customer voices the
remaining doubt before signing. One objection is open at a time. It is resolved by a message
that makes one of its ``resolved_by`` moves without pressure and without a compliance breach;
the customer then says ``resolved_line``. Any other answer gets a push-back and the objection
stays open; from the second poor answer on each one costs trust. An agent who answers a worry
with a right move in the very message that would have raised it defuses it: it is recorded as
raised and resolved at once and earns half the resolution gain.

*Trust* (0-100) starts at ``initial_trust`` and moves by these amounts each agent message
(gains are multiplied by the temperament's gain factor, losses by its loss factor):

===========================================  ======
greeting, first time                           +1
identity disclosed (name, company), first      +3
empathy (+3 when answering a worry)            +2
open question that reveals something           +3
closed question that reveals something         +1
customer's question answered                   +2
cooling-off disclosed, first time              +2
duty of truthful disclosure reminded, first    +2
plain-language explanation                     +1
objection resolved                             +8
question on something already said             -1
closing too early                              -2
jargon dump (5+ terms, no plain words)         -3
long monologue (impatient customers)           -3
repeated poor answer to an objection           -5
third and later close attempt without a sale   -4
pressure ("今天必须定", "马上涨价"), per cue      -8 (at most two cues count)
compliance breach, general rule                -8
compliance breach, serious rule               -15
(all breaches of one message together, at most -20)
===========================================  ======

Temperaments: ``friendly`` gains x1.2 and losses x0.8; ``cautious`` x1.0/x1.2;
``impatient`` x0.9/x1.2 and dislikes monologues; ``skeptical`` x0.8/x1.4 and always calls out
a breach; ``analytical`` x1.0/x1.1, rewards plain explanations double and minds jargon less.

*Mood* follows trust and the last move: ``warm`` (trust >= 70), ``neutral`` (45-69), ``guarded``
(25-44), ``annoyed`` (below 25, or after a drop of 8 or more).

*Outcome.* ``buys`` when the agent closes, no objection is open or still to come and trust is
at least ``buy_threshold``. ``asks_for_time`` when the agent closes with trust within
``ASK_FOR_TIME_MARGIN`` (20) of the threshold; the conversation may continue and still end in a
sale. ``ends_call`` when trust falls to ``END_TRUST`` (10) or below, or after ``patience``
agent messages in a row without progress (nothing revealed, resolved or answered and no trust
gained). After ``buys`` or ``ends_call`` the customer only gives short closing replies.

Determinism: every reply draws its wording from ``random.Random`` seeded with (session seed,
turn index, scenario code), so the same seed and the same agent messages replay exactly.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from practice.persona import phrases
from practice.persona.understanding import SENSITIVE_TOPICS, AgentMessage, analyse

STATE_VERSION = 1

GUARDED_TRUST = 30
END_TRUST = 10
ASK_FOR_TIME_MARGIN = 20
MAX_CUSTOMER_QUESTIONS = 3
JARGON_DUMP_TERMS = 5

SERIOUS_RULES = frozenset(
    {
        "guaranteed_return",
        "deposit_confusion",
        "exaggerated_coverage",
        "concealed_exclusions",
        "induced_nondisclosure",
        "improper_benefit",
        "proxy_signature",
    }
)

# Trust movements before the temperament factors; see the table in the module docstring.
GAIN_GREETING = 1
GAIN_IDENTITY = 3
GAIN_EMPATHY = 2
GAIN_EMPATHY_TO_WORRY = 3
GAIN_OPEN_REVEAL = 3
GAIN_CLOSED_REVEAL = 1
GAIN_ANSWERED = 2
GAIN_COOLING_OFF = 2
GAIN_DISCLOSURE_DUTY = 2
GAIN_PLAIN = 1
GAIN_RESOLVED = 8
LOSS_REPEAT_QUESTION = 1
LOSS_EARLY_CLOSE = 2
LOSS_JARGON = 3
LOSS_MONOLOGUE = 3
LOSS_POOR_ANSWER = 5
LOSS_REPEATED_CLOSE = 4
LOSS_PRESSURE = 8
LOSS_BREACH_GENERAL = 8
LOSS_BREACH_SERIOUS = 15
MAX_BREACH_LOSS_PER_MESSAGE = 20


@dataclass(frozen=True)
class Temperament:
    gain: float
    loss: float
    callout: float  # chance of saying out loud what bothered them about a breach
    plain_bonus: float = 1.0
    jargon_factor: float = 1.0


TEMPERAMENTS: dict[str, Temperament] = {
    "friendly": Temperament(gain=1.2, loss=0.8, callout=0.2),
    "cautious": Temperament(gain=1.0, loss=1.2, callout=0.6),
    "impatient": Temperament(gain=0.9, loss=1.2, callout=0.5),
    "skeptical": Temperament(gain=0.8, loss=1.4, callout=1.0),
    "analytical": Temperament(gain=1.0, loss=1.1, callout=0.7, plain_bonus=2.0, jargon_factor=0.5),
}

# What an objection is about, for real-time hints.
OBJECTION_HINT_TOPIC = {
    "price": "price",
    "spouse": None,
    "already_insured": "coverage",
    "scam": "claims",
    "invest": "guaranteed_return",
    "think_it_over": "cooling_off",
    "no_need": "coverage",
    "trust": "claims",
}


@dataclass
class CustomerReply:
    """One line of the simulated customer."""

    text: str
    intent: str  # opening|answer|reveal|objection|question|pushback|agree|closing|smalltalk
    objection_type: str | None = None
    topic: str | None = None
    outcome: str | None = None  # "buys" | "asks_for_time" | "ends_call" | None
    ended: bool = False


@dataclass
class _Turn:
    """What the customer is about to say, assembled while a message is processed."""

    reaction: str = ""
    main: str = ""
    trailing: str = ""
    intent: str = "smalltalk"
    topic: str | None = None
    objection_type: str | None = None
    outcome: str | None = None
    ended: bool = False
    progress: bool = False
    gained: int = 0


class PersonaEngine:
    """The simulated customer of one scenario. Stateless: all memory lives in ``state``."""

    def __init__(self, scenario: Mapping[str, Any], *, seed: int) -> None:
        self.scenario = scenario
        self.seed = seed
        self.code = str(scenario.get("code", ""))
        self.language = "en" if scenario.get("language") == "en" else "zh"
        persona = scenario.get("persona") or {}
        self.persona = persona
        self.temperament_name = str(persona.get("temperament") or "cautious")
        self.temperament = TEMPERAMENTS.get(self.temperament_name, TEMPERAMENTS["cautious"])
        self.initial_trust = int(persona.get("initial_trust", 40))
        self.buy_threshold = int(persona.get("buy_threshold", 70))
        self.patience = int(persona.get("patience", 8))
        self.facts = list(persona.get("hidden_facts") or [])
        self.needs = list(persona.get("needs") or [])
        self.objections = list(persona.get("objections") or [])
        self.product_type = str(scenario.get("product_type") or _product_type(scenario))

    # -- public API ---------------------------------------------------------------------------

    def initial_state(self) -> dict:
        return {
            "version": STATE_VERSION,
            "turn": 0,
            "trust": self.initial_trust,
            "mood": _mood(self.initial_trust, 0),
            "trust_history": [],
            "revealed": {},
            "objections": {
                o["code"]: {
                    "status": "pending",
                    "raised_turn": None,
                    "resolved_turn": None,
                    "poor_answers": 0,
                }
                for o in self.objections
            },
            "open_objection": None,
            "turns_without_progress": 0,
            "close_attempts": 0,
            "outcome": None,
            "ended": False,
            "pending_question": None,
            "reminded": False,
            "customer_questions": [],
            "explained": [],
            "flags": {
                "greeted": False,
                "identity": False,
                "cooling_off": False,
                "disclosure_duty": False,
            },
            "breaches": [],
            "recent_lines": [],
        }

    def opening(self, state: dict) -> tuple[CustomerReply, dict]:
        new = copy.deepcopy(state)
        line = str(self.persona.get("opening_line") or "")
        if not line:
            line = phrases.phrase("greet_back", self.language, self._rng(0), temperament=None)
        _remember(new, line)
        return CustomerReply(text=line, intent="opening"), new

    def reply(
        self, state: dict, agent_text: str, *, breaches: Sequence[str] = ()
    ) -> tuple[CustomerReply, dict]:
        """The customer's answer to one agent message. Pure: ``state`` is left untouched."""
        s = copy.deepcopy(state)
        s["turn"] += 1
        turn = s["turn"]
        rng = self._rng(turn)
        msg = analyse(agent_text)

        if s["ended"]:
            kind = "after_buy" if s["outcome"] == "buys" else "after_end"
            text = self._say(s, kind, rng)
            s["trust_history"].append(s["trust"])
            return CustomerReply(text=text, intent="closing", outcome=s["outcome"], ended=True), s

        out = _Turn()
        trust_before = s["trust"]
        self._react_to_conduct(s, msg, breaches, rng, out)
        self._note_disclosures(s, msg, out)

        if msg.meta:
            out.main = self._say(s, "meta_confused", rng)
            out.intent = "smalltalk"
        elif s["open_objection"]:
            self._handle_open_objection(s, msg, breaches, rng, out)
        elif msg.closing:
            self._handle_close(s, msg, rng, out)
        else:
            self._handle_conversation(s, msg, rng, out)

        if out.outcome is None and not out.ended and not msg.meta:
            self._maybe_raise_objection(s, msg, out)
            self._maybe_ask(s, msg, rng, out)

        self._check_end(s, rng, out, trust_before)
        return self._finish(s, out, trust_before)

    # -- the parts of a reply -----------------------------------------------------------------

    def _react_to_conduct(
        self,
        s: dict,
        msg: AgentMessage,
        breaches: Sequence[str],
        rng: random.Random,
        out: _Turn,
    ) -> None:
        """Breaches, pressure, jargon and monologues: how the agent is talking, not what."""
        codes = [str(code) for code in breaches if code]
        if codes:
            loss = sum(
                LOSS_BREACH_SERIOUS if code in SERIOUS_RULES else LOSS_BREACH_GENERAL
                for code in dict.fromkeys(codes)
            )
            # One sentence can break several rules; the customer reacts to the sentence.
            self._lose(s, min(loss, MAX_BREACH_LOSS_PER_MESSAGE))
            s["breaches"].append({"turn": s["turn"], "rules": codes})
            if rng.random() < self.temperament.callout:
                specific = [c for c in codes if c in phrases.BREACH_CALLOUT_BY_RULE]
                if specific and rng.random() < 0.7:
                    bank = phrases.BREACH_CALLOUT_BY_RULE[specific[0]]
                    out.reaction = phrases.pick(bank, self.language, rng, avoid=s["recent_lines"])
                else:
                    out.reaction = self._say(s, "breach_callout", rng)
            else:
                out.reaction = self._say(s, "breach_ack", rng)
        if msg.pressure:
            self._lose(s, LOSS_PRESSURE * min(msg.pressure, 2))
            if not out.reaction:
                out.reaction = self._say(s, "pressure_reaction", rng)
        if msg.jargon >= JARGON_DUMP_TERMS and not msg.plain_language:
            self._lose(s, LOSS_JARGON * self.temperament.jargon_factor)
            if not out.reaction and self.temperament_name != "analytical":
                out.reaction = self._say(s, "jargon_confused", rng)
        elif msg.long_monologue and self.temperament_name == "impatient":
            self._lose(s, LOSS_MONOLOGUE)
            if not out.reaction:
                out.reaction = self._say(s, "monologue", rng)

    def _note_disclosures(self, s: dict, msg: AgentMessage, out: _Turn) -> None:
        """Courtesy and honesty the customer notices: greeting, identity, disclosures, empathy."""
        flags = s["flags"]
        if msg.greeting and not flags["greeted"]:
            flags["greeted"] = True
            out.gained += self._gain(GAIN_GREETING)
        if msg.identity and not flags["identity"]:
            flags["identity"] = True
            out.gained += self._gain(GAIN_IDENTITY)
            if s["pending_question"] == "identity":
                s["pending_question"] = None
                out.progress = True
        if "cooling_off" in msg.moves and not flags["cooling_off"]:
            flags["cooling_off"] = True
            out.gained += self._gain(GAIN_COOLING_OFF)
        if msg.disclosure_duty and not flags["disclosure_duty"]:
            flags["disclosure_duty"] = True
            out.gained += self._gain(GAIN_DISCLOSURE_DUTY)
        if msg.empathy and not msg.pressure:
            worried = s["open_objection"] is not None or s["mood"] in ("guarded", "annoyed")
            out.gained += self._gain(GAIN_EMPATHY_TO_WORRY if worried else GAIN_EMPATHY)
        if msg.plain_language and not msg.pressure:
            out.gained += self._gain(GAIN_PLAIN * self.temperament.plain_bonus)
        for topic in msg.product_topics:
            if topic not in s["explained"]:
                s["explained"].append(topic)

    def _handle_open_objection(
        self,
        s: dict,
        msg: AgentMessage,
        breaches: Sequence[str],
        rng: random.Random,
        out: _Turn,
    ) -> None:
        code = s["open_objection"]
        objection = self._objection(code)
        ostate = s["objections"][code]
        right_moves = set(objection.get("resolved_by") or [])
        if msg.moves & right_moves and not msg.pressure and not breaches:
            ostate["status"] = "resolved"
            ostate["resolved_turn"] = s["turn"]
            s["open_objection"] = None
            out.gained += self._gain(GAIN_RESOLVED)
            out.main = str(objection.get("resolved_line") or self._say(s, "ack_warm", rng))
            out.intent = "agree"
            out.objection_type = objection.get("type")
            out.progress = True
            if msg.closing:
                self._handle_close(s, msg, rng, out, after_resolution=True)
            return
        if msg.closing:
            s["close_attempts"] += 1
            if s["close_attempts"] >= 3:
                self._lose(s, LOSS_REPEATED_CLOSE)
        if msg.is_question and msg.topics and not msg.closing:
            # A genuine question instead of an answer: the customer answers it but keeps the
            # worry on the table.
            self._answer_questions(s, msg, rng, out)
            out.trailing = self._say(s, "objection_reminder", rng)
            return
        ostate["poor_answers"] += 1
        if ostate["poor_answers"] >= 2:
            self._lose(s, LOSS_POOR_ANSWER)
        otype = str(objection.get("type") or "")
        if ostate["poor_answers"] >= 3:
            out.main = self._say(s, "pushback_repeat", rng)
        elif otype in phrases.PUSHBACK_BY_TYPE and rng.random() < 0.5:
            out.main = phrases.pick(
                phrases.PUSHBACK_BY_TYPE[otype], self.language, rng, avoid=s["recent_lines"]
            )
        else:
            out.main = self._say(s, "pushback", rng)
        out.intent = "pushback"
        out.objection_type = otype or None
        out.topic = OBJECTION_HINT_TOPIC.get(otype)

    def _handle_close(
        self,
        s: dict,
        msg: AgentMessage,
        rng: random.Random,
        out: _Turn,
        *,
        after_resolution: bool = False,
    ) -> None:
        s["close_attempts"] += 1
        repeated = s["close_attempts"] >= 3
        question = s["pending_question"]
        if question and question != "identity" and not after_resolution:
            # Nobody signs while their own question hangs in the air.
            s["reminded"] = True
            out.main = self._say(s, "question_reminder", rng)
            out.intent = "question"
            out.topic = question
            return
        pending = self._next_pending_objection(s, on_close=True)
        if pending is not None:
            self._raise(s, pending, out)
            return
        trust = s["trust"] + out.gained
        if trust >= self.buy_threshold:
            self._commit_gain(s, out)
            out.main = _join(out.main, self._say(s, "buys", rng), language=self.language)
            out.intent = "agree"
            out.outcome = "buys"
            out.ended = True
            out.progress = True
            return
        if repeated:
            self._lose(s, LOSS_REPEATED_CLOSE)
        if after_resolution:
            return
        if trust >= self.buy_threshold - ASK_FOR_TIME_MARGIN:
            out.main = self._say(s, "asks_for_time", rng)
            out.intent = "closing"
            out.outcome = "asks_for_time"
            return
        self._lose(s, LOSS_EARLY_CLOSE)
        out.main = self._say(s, "close_too_early", rng)
        out.intent = "pushback"

    def _handle_conversation(
        self, s: dict, msg: AgentMessage, rng: random.Random, out: _Turn
    ) -> None:
        answered = self._check_pending_answer(s, msg, rng, out)
        if msg.is_question:
            if msg.topics:
                self._answer_questions(s, msg, rng, out)
                if answered and out.main:
                    out.main = _join(answered, out.main, language=self.language)
            elif answered:
                out.main, out.intent = answered, "answer"
            else:
                out.main = self._say(s, self._topicless_answer(msg), rng)
                out.intent = "smalltalk" if msg.greeting or msg.identity else "answer"
            return
        if answered:
            out.main, out.intent = answered, "answer"
            return
        if (msg.greeting or msg.identity) and s["turn"] <= 2 and not out.reaction:
            out.main = self._say(s, "greet_back", rng)
            out.intent = "smalltalk"
            return
        if out.reaction:
            out.intent = "pushback" if msg.pressure else "answer"
            return
        kind = "ack_warm" if out.gained >= 2 else "ack"
        out.main = self._say(s, kind, rng)
        out.intent = "smalltalk" if kind == "ack" else "answer"

    def _check_pending_answer(
        self, s: dict, msg: AgentMessage, rng: random.Random, out: _Turn
    ) -> str:
        """Did the agent answer what the customer asked? Returns the customer's acknowledgement."""
        pending = s["pending_question"]
        if not pending or pending == "identity":
            return ""
        if pending in msg.product_topics:
            s["pending_question"] = None
            s["reminded"] = False
            out.gained += self._gain(GAIN_ANSWERED)
            out.progress = True
            return self._say(s, "answered_ack", rng)
        if not s["reminded"] and not msg.is_question:
            s["reminded"] = True
            out.trailing = self._say(s, "question_reminder", rng)
            out.topic = pending
        elif s["reminded"]:
            s["pending_question"] = None
            s["reminded"] = False
        return ""

    def _answer_questions(self, s: dict, msg: AgentMessage, rng: random.Random, out: _Turn) -> None:
        parts: list[str] = []
        kinds: list[str] = []
        revealed_any = False
        for topic in msg.topics[:2]:
            items = self._unrevealed(s, topic, open_question=msg.open_question)
            if topic in SENSITIVE_TOPICS and s["trust"] + out.gained < GUARDED_TRUST:
                if items:
                    parts.append(self._say(s, "deflect_sensitive", rng))
                    kinds.append("deflect")
                    out.topic = out.topic or topic
                continue
            if items:
                for item in items:
                    s["revealed"][item["code"]] = s["turn"]
                texts = [str(item["text"]) for item in items]
                body = texts[0]
                for extra in texts[1:]:
                    joiner = phrases.phrase("reveal_join", self.language, rng)
                    body = _join(
                        body, joiner + _lower_first(extra, self.language), language=self.language
                    )
                kind = "reveal_open" if msg.open_question else "reveal_closed"
                template = self._say(s, kind, rng)
                if template.endswith(", {text}"):
                    body = _lower_first(body, self.language)
                parts.append(template.replace("{text}", body))
                kinds.append("reveal")
                out.gained += self._gain(
                    GAIN_OPEN_REVEAL if msg.open_question else GAIN_CLOSED_REVEAL
                )
                revealed_any = True
                out.topic = out.topic or topic
                continue
            if not msg.open_question and any(
                n.get("topic") == topic and n["code"] not in s["revealed"] for n in self.needs
            ):
                # A yes/no question brushes against a real need without drawing it out.
                parts.append(self._say(s, "closed_short", rng))
                kinds.append("short")
                continue
            said = [i for i in self.facts + self.needs if i.get("topic") == topic]
            said = [i for i in said if i["code"] in s["revealed"]]
            if said:
                self._lose(s, LOSS_REPEAT_QUESTION)
                template = self._say(s, "already_said", rng)
                parts.append(template.replace("{text}", _short(str(said[0]["text"]))))
                kinds.append("repeat")
            else:
                template = self._say(s, "topic_nothing", rng)
                label = phrases.TOPIC_LABELS[topic][self.language]
                parts.append(template.replace("{label}", label))
                kinds.append("nothing")
        if revealed_any:
            out.progress = True
            # Once something real was said, side remarks on the other topic only get in the way.
            parts = [p for p, kind in zip(parts, kinds, strict=True) if kind == "reveal"]
        if parts:
            out.main = _join(*parts, language=self.language) if len(parts) > 1 else parts[0]
            out.intent = "reveal" if revealed_any else "answer"
        else:
            out.main = self._say(s, "vague_question", rng)
            out.intent = "answer"

    @staticmethod
    def _topicless_answer(msg: AgentMessage) -> str:
        """The kind of line for a question that names no persona topic."""
        if msg.greeting or msg.identity:
            return "greet_back"
        if msg.opinion:
            return "opinion"
        return "vague_question" if msg.open_question else "unsure"

    def _maybe_raise_objection(self, s: dict, msg: AgentMessage, out: _Turn) -> None:
        if s["open_objection"] or out.intent in ("objection", "agree"):
            return
        objection = self._next_pending_objection(s, on_close=False, msg=msg)
        if objection is None:
            return
        if msg.moves & set(objection.get("resolved_by") or []) and not msg.pressure:
            # The agent answered the worry before the customer voiced it: it never comes up.
            s["objections"][objection["code"]].update(
                status="resolved", raised_turn=s["turn"], resolved_turn=s["turn"]
            )
            out.gained += self._gain(GAIN_RESOLVED / 2)
            return
        self._raise(s, objection, out)

    def _maybe_ask(self, s: dict, msg: AgentMessage, rng: random.Random, out: _Turn) -> None:
        """The customer's own questions: who is calling, and what the product really does."""
        if out.trailing or s["open_objection"] or out.intent == "objection":
            return
        if s["pending_question"]:
            return
        if (
            s["turn"] == 2
            and not s["flags"]["identity"]
            and "identity" not in s["customer_questions"]
        ):
            s["customer_questions"].append("identity")
            s["pending_question"] = "identity"
            out.trailing = self._say(s, "who_are_you", rng)
            out.topic = "identity"
            if not out.main:
                out.intent = "question"
            return
        asked = [q for q in s["customer_questions"] if q != "identity"]
        if s["turn"] < 3 or len(asked) >= MAX_CUSTOMER_QUESTIONS or msg.is_question:
            return
        talks_product = bool(msg.product_topics)
        if not talks_product and rng.random() >= 0.4:
            return
        candidates = [
            topic
            for topic in phrases.PRODUCT_TYPE_QUESTIONS.get(self.product_type, ())
            if topic not in s["customer_questions"] and topic not in s["explained"]
        ]
        if not candidates:
            return
        topic = candidates[0]
        s["customer_questions"].append(topic)
        s["pending_question"] = topic
        s["reminded"] = False
        question = phrases.pick(
            phrases.PRODUCT_QUESTIONS[topic], self.language, rng, avoid=s["recent_lines"]
        )
        out.trailing = question
        out.topic = topic
        if out.intent in ("smalltalk", "answer"):
            out.intent = "question"

    def _check_end(self, s: dict, rng: random.Random, out: _Turn, trust_before: int) -> None:
        self._commit_gain(s, out)
        if out.ended:
            return
        if s["trust"] > trust_before:
            out.progress = True
        s["turns_without_progress"] = 0 if out.progress else s["turns_without_progress"] + 1
        kind = None
        if s["trust"] <= END_TRUST:
            kind = "ends_call_trust"
        elif s["turns_without_progress"] >= self.patience:
            kind = "ends_call_patience"
        if kind:
            out.main = self._say(s, kind, rng)
            out.trailing = ""
            out.intent = "closing"
            out.outcome = "ends_call"
            out.ended = True
            out.objection_type = None

    def _finish(self, s: dict, out: _Turn, trust_before: int) -> tuple[CustomerReply, dict]:
        s["mood"] = _mood(s["trust"], s["trust"] - trust_before)
        s["trust_history"].append(s["trust"])
        if out.outcome:
            s["outcome"] = out.outcome
        if out.ended:
            s["ended"] = True
            s["pending_question"] = None
        text = _join(out.reaction, out.main, out.trailing, language=self.language)
        if not text:
            text = self._say(s, "smalltalk", self._rng(s["turn"], "fallback"))
        reply = CustomerReply(
            text=text,
            intent=out.intent,
            objection_type=out.objection_type if out.intent in ("objection", "pushback") else None,
            topic=out.topic,
            outcome=out.outcome,
            ended=out.ended,
        )
        return reply, s

    # -- helpers ------------------------------------------------------------------------------

    def _rng(self, turn: int, salt: str = "") -> random.Random:
        return random.Random(f"{self.seed}|{turn}|{self.code}|{salt}")

    def _say(self, s: dict, kind: str, rng: random.Random) -> str:
        line = phrases.phrase(
            kind, self.language, rng, temperament=self.temperament_name, avoid=s["recent_lines"]
        )
        _remember(s, line)
        return line

    def _gain(self, amount: float) -> int:
        """A trust gain, collected in ``_Turn.gained`` and committed once per message."""
        return round(amount * self.temperament.gain)

    def _commit_gain(self, s: dict, out: _Turn) -> None:
        if out.gained:
            s["trust"] = _clamp(s["trust"] + out.gained)
            out.gained = 0

    def _lose(self, s: dict, amount: float) -> None:
        s["trust"] = _clamp(s["trust"] - round(amount * self.temperament.loss))

    def _objection(self, code: str) -> Mapping[str, Any]:
        return next(o for o in self.objections if o["code"] == code)

    def _next_pending_objection(
        self, s: dict, *, on_close: bool, msg: AgentMessage | None = None
    ) -> Mapping[str, Any] | None:
        pending = [o for o in self.objections if s["objections"][o["code"]]["status"] == "pending"]
        if on_close:
            pending.sort(key=lambda o: not (o.get("trigger") or {}).get("on_close"))
            return pending[0] if pending else None
        for objection in pending:
            trigger = objection.get("trigger") or {}
            after = trigger.get("after_turn")
            if after is not None and s["turn"] >= int(after):
                return objection
            if msg is not None and trigger.get("topic") and trigger["topic"] in msg.topics:
                return objection
        return None

    def _raise(self, s: dict, objection: Mapping[str, Any], out: _Turn) -> None:
        code = objection["code"]
        s["objections"][code].update(status="open", raised_turn=s["turn"])
        s["open_objection"] = code
        # The customer's own question gives way to the bigger worry.
        s["pending_question"] = None if s["pending_question"] != "identity" else "identity"
        out.trailing = str(objection.get("line") or "")
        out.intent = "objection"
        out.objection_type = objection.get("type")
        out.topic = OBJECTION_HINT_TOPIC.get(str(objection.get("type")))

    def _unrevealed(self, s: dict, topic: str, *, open_question: bool) -> list[Mapping[str, Any]]:
        facts = [
            f for f in self.facts if f.get("topic") == topic and f["code"] not in s["revealed"]
        ]
        if not open_question:
            return facts[:1]
        needs = [
            n for n in self.needs if n.get("topic") == topic and n["code"] not in s["revealed"]
        ]
        return (facts[:2] + needs)[:3]


def transcript_turns(speakers: Sequence[str]) -> dict[int, int]:
    """Agent message number (1, 2, …: the engine's ``turn``) → the transcript index of the
    customer turn that answered it, the numbering the transcript shows."""
    mapping: dict[int, int] = {}
    agent_messages = 0
    waiting: int | None = None
    for index, speaker in enumerate(speakers):
        if speaker == "agent":
            agent_messages += 1
            waiting = agent_messages
        elif waiting is not None:
            mapping[waiting] = index
            waiting = None
    return mapping


def reveal(
    scenario: Mapping[str, Any], state: dict, *, speakers: Sequence[str] | None = None
) -> dict:
    """What the customer was hiding, and what the agent found out; shown after the session.

    The engine counts the agent's messages; with the transcript's ``speakers`` every turn
    number here is converted to the index of the customer turn where it happened (the number
    the transcript shows). A message no customer turn answered yet has no number (``None``).
    """
    persona = scenario.get("persona") or {}
    if speakers is not None:
        mapping = transcript_turns(speakers)

        def at(turn: Any) -> Any:
            return mapping.get(turn) if isinstance(turn, int) else None
    else:

        def at(turn: Any) -> Any:
            return turn

    revealed = {code: at(turn) for code, turn in state.get("revealed", {}).items()}

    def items(key: str) -> list[dict]:
        return [
            {
                "code": item["code"],
                "text": item.get("text", ""),
                "topic": item.get("topic"),
                "discovered": item["code"] in revealed,
                "turn": revealed.get(item["code"]),
            }
            for item in persona.get(key) or []
        ]

    facts, needs = items("hidden_facts"), items("needs")
    total = len(facts) + len(needs)
    found = sum(1 for item in facts + needs if item["discovered"])
    objection_states = state.get("objections", {})
    objections = [
        {
            "code": o["code"],
            "type": o.get("type"),
            "raised_turn": at(objection_states.get(o["code"], {}).get("raised_turn")),
            "resolved_turn": at(objection_states.get(o["code"], {}).get("resolved_turn")),
        }
        for o in persona.get("objections") or []
    ]
    return {
        "facts": facts,
        "needs": needs,
        "discovery_completeness": round(found / total, 3) if total else 1.0,
        "trust": list(state.get("trust_history", [])),
        "objections": objections,
        "outcome": state.get("outcome"),
    }


# Product types by catalogue code, for scenarios that name only the product.
PRODUCT_TYPES = {
    "anxin-ci": "critical_illness",
    "kangxiang-medical": "medical",
    "hujia-term": "term_life",
    "fuying-par": "whole_life_participating",
    "yinian-annuity": "annuity",
    "anxing-accident": "accident",
    "wenying-ul": "universal_life",
}


def _product_type(scenario: Mapping[str, Any]) -> str:
    product = scenario.get("product")
    if isinstance(product, Mapping):
        return str(product.get("type") or PRODUCT_TYPES.get(str(product.get("code")), ""))
    return PRODUCT_TYPES.get(str(product), "")


def _clamp(value: float) -> int:
    return max(0, min(100, round(value)))


def _mood(trust: int, delta: int) -> str:
    if delta <= -8 or trust < 25:
        return "annoyed"
    if trust >= 70:
        return "warm"
    if trust >= 45:
        return "neutral"
    return "guarded"


def _join(*parts: str, language: str = "zh") -> str:
    separator = "" if language == "zh" else " "
    return separator.join(p.strip() for p in parts if p and p.strip())


def _lower_first(text: str, language: str) -> str:
    """Continue an English sentence: "Well, my daughter…" but never "Well, i think…"."""
    first_word = text.split(" ", 1)[0]
    if language != "en" or not text[:1].isupper() or first_word == "I" or text.startswith("I'"):
        return text
    if len(first_word) > 1 and first_word[1:2].isupper():  # acronyms stay as they are
        return text
    return text[:1].lower() + text[1:]


def _short(text: str) -> str:
    """The first clause of a persona line, for "as I said, …" replies."""
    for mark in ("，", "。", ", ", ". ", "；"):
        head, sep, _ = text.partition(mark)
        if sep and len(head) >= 4:
            return head + ("。" if mark in "，。；" else ".")
    return text


def _remember(s: dict, line: str) -> None:
    """Keep the last lines said so the next pick can avoid repeating them."""
    s["recent_lines"] = [*s.get("recent_lines", []), line][-12:]
