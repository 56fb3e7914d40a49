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

from practice.persona import CustomerReply, PersonaEngine
from practice.persona.engine import PRODUCT_TYPES
from practice.persona.understanding import SENSITIVE_TOPICS

# fmt: off
TOPIC_QUESTIONS: dict[str, dict[str, str]] = {
    "age": {"zh": "方便问一下您今年多大年纪吗？我好按年龄看合适的保障期限。",
            "en": "May I ask how old you are, so I can look at the right policy term?"},
    "family": {"zh": "能聊聊您的家庭情况吗？家人里谁主要靠您照顾？",
               "en": "Could you tell me about your family and who depends on you day to day?"},
    "income": {"zh": "家里的收入主要是怎么构成的？大概是什么水平？",
               "en": "How is your household income made up, and roughly what do you earn?"},
    "occupation": {"zh": "您现在具体做什么工作？平时的工作节奏怎么样？",
                   "en": "What do you do for a living, and what does a normal work week look like?"},
    "health": {"zh": "您平时身体怎么样？最近一次体检有什么需要注意的地方？",
               "en": "How is your health in general, and did your last check-up show anything?"},
    "existing_cover": {"zh": "您现在手上都有哪些保障？比如医保、单位的团险或者自己买过的保险？",
                       "en": "What insurance do you already have, through work, social insurance or your own policies?"},
    "debts": {"zh": "家里目前每个月有哪些固定要还的房贷、车贷？具体是什么情况？",
              "en": "What loans or mortgage repayments do you have each month?"},
    "budget": {"zh": "在保障这件事上，您每年大概愿意投入多少预算？",
               "en": "What budget would feel comfortable for this each year?"},
    "goals": {"zh": "您考虑这件事，心里最担心的是什么？最希望解决什么问题？",
              "en": "What worries you most, and what would you most like to protect?"},
    "retirement": {"zh": "退休以后的生活您是怎么打算的？养老这块有什么规划？",
                   "en": "How do you picture your retirement, and what have you planned for it?"},
    "education": {"zh": "将来的教育费用，比如上大学、留学，您是怎么考虑的？",
                  "en": "How are you planning for education, school and university costs?"},
    "assets": {"zh": "您现在的积蓄主要是怎么安排的？存款、理财各占多少？",
               "en": "How are your savings arranged at the moment: deposits, funds or other investments?"},
}

MOVE_ANSWERS: dict[str, dict[str, str]] = {
    "cost_breakdown": {
        "zh": "我理解，这笔钱确实不是小数目。我们折算一下，保费分摊到每天也就十几块钱，大约占家庭收入的百分之三到五，负担是可控的。",
        "en": "I understand, it is real money. Spread out, the premium works out to a little over ten yuan a day, around three to five percent of your household income.",
    },
    "tailored_plan": {
        "zh": "您的顾虑很正常。我们可以根据您的预算调整方案，比如先把保额调低一些、缴费期拉长，保费就降下来了，以后宽裕了再加保。",
        "en": "That's a fair point. We can tailor the plan to your budget, for example lower the sum assured and spread the payments, and add cover later when it suits you.",
    },
    "value_vs_risk": {
        "zh": "我能理解您的想法。不过万一真的住院或者得了大病，治疗费动辄几十万，还可能几个月没有收入，这个风险用很少的保费就能转移出去。",
        "en": "I understand. But if something happened, a serious hospital stay can cost hundreds of thousands, and you might lose income for months. A small premium moves that risk off your shoulders.",
    },
    "coverage_gap": {
        "zh": "您说得对，已有的保障确实有用。不过它有缺口：医保目录外的自费部分报不了，单位的团险离职就没了，额度也有限，这部分需要补充。",
        "en": "That's fair, what you have does help. But there is a gap: the group plan ends when you leave the job, its limits are low, and it doesn't cover everything. This would top it up.",
    },
    "involve_spouse": {
        "zh": "完全理解，这么重要的事当然要和家人一起商量。我可以把方案和条款发给您爱人一份，或者约个两位都方便的时间，我当面给你们一起讲清楚。",
        "en": "I completely understand. I can send the plan and the policy wording to your wife, or set up a call with both of you so she can ask her own questions.",
    },
    "company_strength": {
        "zh": "您有这个担心很正常。安澜人寿受金融监管总局监管，偿付能力每个季度公开披露，还有保险保障基金兜底；理赔流程可以线上提交，理赔数据在官网公布，您可以自己查。",
        "en": "That's a reasonable concern. Anlan Life is regulated, publishes its solvency figures every quarter and sits under the industry protection fund. Our claims process and the claims paid each year are public, so you can check them yourself.",
    },
    "protection_vs_investment": {
        "zh": "我理解您会拿它和理财比较。保险和投资作用不同：保险管保障和长期规划，投资管增值。合同写明的是保证部分，分红或者结算利率是不保证的，演示利率只是演示，不代表将来一定能拿到。",
        "en": "I understand the comparison. Protection and investment do different jobs: insurance protects and plans long term, investments aim to grow. Only the guaranteed part is written into the contract; dividends or crediting rates are not guaranteed, and the illustration is a demonstration, not a promise.",
    },
    "cooling_off": {
        "zh": "您慢慢考虑没关系。签约后有15天犹豫期，这期间觉得不合适可以全额退还保费，没有损失。",
        "en": "Take your time. After signing there is a 15-day cooling-off period, and if it doesn't feel right you can cancel for a full refund.",
    },
    "no_pressure": {
        "zh": "不着急，这是您的决定，您慢慢考虑。我先把资料发给您，下周我们再约个时间聊。",
        "en": "No rush at all, it's your decision. I'll send you the documents and we can follow up next week.",
    },
    "clarify_terms": {
        "zh": "我理解您的顾虑，先把不赔的情况说清楚：条款里的责任免除包括投保前已有的疾病、故意行为、酒驾和无证驾驶、战争和核辐射，还有等待期内确诊的情况；前几年退保只能拿回现金价值，会有损失。简单说，如实告知、过了等待期，符合条款定义的就会赔。",
        "en": "I understand. Let me be clear about what is not covered: the exclusions include conditions you had before applying, intentional acts, drink-driving or driving without a licence, war and nuclear events, and anything diagnosed in the waiting period; surrendering in the early years returns only the cash value, so you would lose money. Simply put, if you disclose truthfully and the waiting period has passed, what the clause defines is paid.",
    },
}

# Honest answers to what customers ask, by product matter and product type ("_" for any type).
PRODUCT_ANSWERS: dict[str, dict[str, dict[str, str]]] = {
    "waiting_period": {
        "critical_illness": {"zh": "等待期是90天，等待期内确诊的重疾不赔，意外导致的不受等待期限制。",
                             "en": "The waiting period is 90 days: an illness diagnosed in that time is not covered, but accidents are covered from day one."},
        "medical": {"zh": "疾病的等待期是30天，意外住院没有等待期。",
                    "en": "The waiting period is 30 days for illness, and there is none for accidents."},
        "_": {"zh": "疾病身故有90天等待期，期间因病身故退还已交保费，意外没有等待期。",
              "en": "There is a 90-day waiting period for death from illness, with premiums refunded in that time; accidents have no waiting period."},
    },
    "exclusions": {
        "accident": {"zh": "不赔的情况主要有：故意行为、酒驾和无证驾驶、战争和核辐射、疾病导致的身故，还有潜水、攀岩这类高风险运动，条款里都写明了。",
                     "en": "The exclusions are intentional acts, drink-driving or driving without a licence, war and nuclear events, death from illness, and high-risk sports such as diving or climbing. They are all listed in the clause."},
        "medical": {"zh": "不赔的情况主要是：投保前已有的疾病、等待期内发病、美容整形、故意行为、酒驾、战争和核辐射，这些在责任免除里写得很清楚。",
                    "en": "The exclusions are conditions you had before applying, illness starting in the waiting period, cosmetic treatment, intentional acts, drink-driving, war and nuclear events. They are spelled out in the exclusions clause."},
        "_": {"zh": "不赔的情况包括：投保前已有的疾病、故意行为、酒驾和无证驾驶、战争和核辐射、等待期内确诊，这些在责任免除条款里都写明了。",
              "en": "What is not covered: conditions you had before applying, intentional acts, drink-driving or driving without a licence, war and nuclear events, and anything diagnosed in the waiting period. The exclusions clause lists them."},
    },
    "cooling_off": {
        "medical": {"zh": "这是一年期产品，一般没有犹豫期；不过您可以随时申请退保，退还未满期部分的保费。",
                    "en": "It's a one-year policy, so there is usually no cooling-off period, but you can cancel at any time and get back the premium for the unused part."},
        "accident": {"zh": "这是一年期产品，一般没有犹豫期；不过您可以随时申请退保，退还未满期部分的保费。",
                     "en": "It's a one-year policy, so there is usually no cooling-off period, but you can cancel at any time and get back the premium for the unused part."},
        "_": {"zh": "签约后有15天犹豫期，这期间不满意可以全额退保；过了犹豫期退保只能拿回现金价值，会有损失。",
              "en": "There is a 15-day cooling-off period after signing with a full refund; after that, surrendering returns only the cash value, which means a loss."},
    },
    "claims": {
        "_": {"zh": "理赔可以线上报案，准备诊断证明、病历和发票等材料，资料齐全的话一般几个工作日就能赔付，流程在合同里写明了。",
              "en": "You can report a claim online with the diagnosis, medical records and receipts; with complete documents a claim is usually paid within a few working days. The process is in the contract."},
    },
    "deductible": {
        "_": {"zh": "一年有一万元免赔额，也就是一年内自付的医疗费超过一万元以后才开始报销，小病门诊主要还是靠医保。",
              "en": "There is a 10,000-yuan deductible per year: it pays once your own medical bills in a year pass ten thousand, so small bills stay with social insurance."},
    },
    "renewal": {
        "_": {"zh": "这是一年期产品，每年要续保；续保条件在条款里写明了，如果产品停售就不能续保，这一点要提前跟您说清楚。",
              "en": "It's a one-year policy that you renew each year; the renewal terms are in the clause, and if the product is withdrawn it cannot be renewed. I want you to know that up front."},
    },
    "coverage": {
        "_": {"zh": "保障期内如果身故或者全残，就一次性赔付保额，比如一百五十万，可以用来还房贷、维持家里开支。",
              "en": "If you die or become totally disabled during the term, the sum assured is paid in one lump sum, which can clear the mortgage and keep the household going."},
    },
    "guaranteed_return": {
        "universal_life": {"zh": "万能账户有保底利率，写进合同；结算利率超出保底的部分是不保证的，每个月公布，会有高有低。",
                           "en": "The account has a minimum guaranteed rate written into the contract; anything the crediting rate adds above it is not guaranteed and changes month to month."},
        "_": {"zh": "合同里写明的只有保证利益部分；分红是不保证的，演示的低、中、高三档只是演示，实际要看公司经营情况。",
              "en": "Only the guaranteed benefits are written into the contract; dividends are not guaranteed, and the low, medium and high illustrations are demonstrations, not promises."},
    },
    "surrender": {
        "_": {"zh": "可以退保，但前几年退保只能拿回现金价值，会比已交的保费少，有损失，所以最好用长期不用的钱。",
              "en": "You can surrender, but in the early years you only get the cash value back, which is less than you paid in, so you would lose money. It should be money you won't need for a long time."},
    },
    "payout": {
        "_": {"zh": "从约定的年龄开始，比如六十岁，按月领取养老金，活多久领多久，合同里写明了保证领取的部分。",
              "en": "From the age you choose, say sixty, payments arrive every month for life, and the contract states the guaranteed part of the payments."},
    },
    "occupation_class": {
        "_": {"zh": "您做销售经常开车出差，属于常见的职业类别，可以正常投保，只要把职业如实告知就行。",
              "en": "Sales work with a lot of driving is a common occupation class and can be covered normally, as long as you state your job truthfully."},
    },
    "identity": {
        "_": {"zh": "不好意思，我是安澜人寿的保险顾问小李，工号A1024，执业信息可以在官网查询。",
              "en": "Sorry, I'm Lily Chen, an adviser with Anlan Life, agent number A1024; my licence can be checked on our website."},
    },
}

PITCHES: dict[str, dict[str, str]] = {
    "critical_illness": {
        "zh": "简单说一下安心守护：确诊合同约定的重疾，一次性赔付保额，比如五十万，年交保费大约六千元。等待期90天，投保前已有的疾病不赔。",
        "en": "Put simply, Anxin Guardian pays the sum assured in one go when a covered critical illness is diagnosed. For half a million in cover the premium is around six thousand yuan a year. There is a 90-day waiting period, and conditions you had before applying are excluded.",
    },
    "medical": {
        "zh": "康享百万医疗主要报销住院和特殊门诊的医疗费，一年保费几百元，有一万元免赔额，疾病等待期30天。",
        "en": "Kangxiang Million Medical pays hospital and specified outpatient bills. The premium is a few hundred yuan a year, there is a 10,000-yuan deductible and a 30-day waiting period for illness.",
    },
    "term_life": {
        "zh": "护家定期寿险简单说就是：保障期内身故或全残，一次性赔付保额，比如保一百五十万到六十岁，每年保费大约四千元。",
        "en": "Put simply, Hujia Term Life pays a lump sum if you die or become totally disabled during the term, for example 1.5 million to age sixty for about four thousand yuan a year.",
    },
    "whole_life_participating": {
        "zh": "福盈终身寿险是分红型的，有身故保障，也有现金价值。合同写明的保证利益是确定的，分红不保证；保费可以按您的预算定，比如每年三万交十年。",
        "en": "Fuying is participating whole life cover: a death benefit plus cash value. The guaranteed benefits are fixed in the contract, the dividends are not guaranteed. The premium can follow your budget, for example thirty thousand a year for ten years.",
    },
    "annuity": {
        "zh": "颐年养老年金简单说就是：现在每年交保费，比如每年三万交十年，到约定年龄起按月领取养老金，活多久领多久。",
        "en": "Put simply, with Yinian you pay a premium each year, for example sixty thousand for ten years, and from the age you choose you receive a monthly income for life.",
    },
    "accident": {
        "zh": "安行综合意外主要保意外身故、伤残和意外医疗，全天候保障，不分上下班，一年保费几百元，没有等待期。",
        "en": "Anxing Personal Accident covers accidental death, disability and accident medical bills around the clock, for a few hundred yuan a year, with no waiting period.",
    },
    "universal_life": {
        "zh": "稳盈万能险有身故保障，同时有一个万能账户，合同里有保底利率，超过保底的结算利率不保证；保费可以根据您的情况灵活安排。",
        "en": "Wenying Universal Life gives a death benefit and an account with a minimum guaranteed rate; anything above the minimum is not guaranteed. Premiums can be arranged flexibly.",
    },
}

ONE_YEAR_TYPES = frozenset({"medical", "accident"})
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
    "zh": "{name}您好，我是安澜人寿的保险顾问小李，工号A1024。今天想花几分钟了解一下您的情况，您现在方便吗？",
    "en": "Hello {name}, my name is Lily Chen, an adviser with Anlan Life, agent number A1024. I'd like a few minutes to understand your situation. Is now a good time?",
}
CLOSES = {
    "zh": "如果您没有其他疑问，我现在帮您办理投保，先一起把健康告知填好，您看可以吗？",
    "en": "If you have no other questions, shall we start the application together and go through the health questions first?",
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
