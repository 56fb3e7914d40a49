"""Scripted agents of different strengths that play practice scenarios for the demo history.

A demo agent works the SOP the way trainers teach it (open, discover, explain, disclose, close),
but each step succeeds only as often as its :class:`Strength` allows: a weak discoverer asks about
few of the customer's topics, an agent who lets price objections slide brushes them aside, one
who forgets the cooling-off period never mentions it, one with compliance risks slips in a
pushy, rule-breaking line. :class:`Profile` gives each demo agent a strength at the start and at
the end of the history, so some improve over the weeks. Everything is driven by a seeded
``random.Random``: the same seed plays the same history.

An agent is a callable: it takes the customer's last reply (``None`` before the customer's
opening has been read) and returns its next message, or ``None`` when it has nothing more to
say. :func:`transcript_play` runs one against the persona engine without the database (for the
imported calls of the demo history).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from practice.persona import CustomerReply, PersonaEngine

# fmt: off
TOPIC_QUESTIONS: dict[str, dict[str, str]] = {
    "age": {"zh": "方便问一下您今年多大年纪吗？我好按年龄看合适的保障期限。",
            "en": "May I ask how old you are, so I can look at the right policy term?"},
    "family": {"zh": "能聊聊您的家庭情况吗？家里谁主要靠您照顾？",
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
    "education": {"zh": "将来孩子的教育费用，比如上大学、出国，您是怎么考虑的？",
                  "en": "How are you planning for education, school and university costs?"},
    "assets": {"zh": "您现在的积蓄主要是怎么安排的？存款、理财各占多少？",
               "en": "How are your savings arranged at the moment: deposits, funds or other investments?"},
}

# Answers to an objection that make one of its resolution moves (the persona's ``resolved_by``).
MOVE_ANSWERS: dict[str, dict[str, str]] = {
    "cost_breakdown": {
        "zh": "我理解，这笔钱确实不是小数目。我们算一下，保费分摊到每天也就十几块钱，大约占家庭收入的百分之三到五，负担是可控的。",
        "en": "I understand, it is real money. Spread out, the premium works out to a little over ten yuan a day, around three to five percent of your household income.",
    },
    "tailored_plan": {
        "zh": "您的顾虑很正常。我们可以按您的预算调整方案，比如先把保额调低一些、缴费期拉长，保费就降下来了，以后宽裕了再加保。",
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
        "zh": "完全理解，这么重要的事当然要和家人一起商量。我可以把方案和条款发给您爱人一份，或者约个两位都方便的时间，当面一起讲清楚。",
        "en": "I completely understand. I can send the plan and the policy wording to your partner, or set up a call with both of you so they can ask their own questions.",
    },
    "company_strength": {
        "zh": "您有这个担心很正常。安澜人寿的偿付能力每个季度公开披露，年报在官网上能查到；理赔流程可以线上提交，每年的理赔数据也会公布，您可以自己查。",
        "en": "That's a reasonable concern. Anlan Life is regulated, publishes its solvency figures every quarter and sits under the industry protection fund. Our claims process and the claims paid each year are public, so you can check them yourself.",
    },
    "protection_vs_investment": {
        "zh": "我理解您会拿它做比较。它和投资是两回事，各管各的：保险管的是保障和长期规划。合同里写明的只有保证部分，分红或者结算利率是不保证的，演示利率只是演示。",
        "en": "I understand the comparison. Protection and investment do different jobs: insurance protects and plans long term, investments aim to grow. Only the guaranteed part is written into the contract; dividends or crediting rates are not guaranteed.",
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
        "zh": "我理解您的顾虑，先把不赔的情况说清楚：责任免除包括投保前已有的疾病、故意行为、酒驾和无证驾驶、战争和核辐射，还有等待期内确诊的情况；前几年退保只能拿回现金价值，会有损失。",
        "en": "I understand. Let me be clear about what is not covered: conditions you had before applying, intentional acts, drink-driving or driving without a licence, war and nuclear events, and anything diagnosed in the waiting period; surrendering early returns only the cash value.",
    },
}

# What a weak agent says to an objection instead: no acknowledgement, no facts, just moving on.
BRUSH_OFFS: dict[str, list[str]] = {
    "zh": [
        "这个价格已经很便宜了，我们先不说钱，接着看保障吧。",
        "贵是贵一点，但是好东西都不便宜，您先听我讲完。",
        "这个您不用纠结，大家都买的就是这个。",
    ],
    "en": [
        "Honestly the price is already low, let's not talk about money and look at the cover.",
        "It costs a bit, but good things are never cheap. Let me finish first.",
        "Don't worry about that, everyone buys this one.",
    ],
}

# Honest answers to what customers ask, by product matter and product type ("_" for any type).
PRODUCT_ANSWERS: dict[str, dict[str, dict[str, str]]] = {
    "waiting_period": {
        "critical_illness": {"zh": "等待期是90天，等待期内确诊的重疾不赔，意外导致的不受等待期限制。",
                             "en": "The waiting period is 90 days: an illness diagnosed in that time is not covered. The waiting period does not apply to accidents."},
        "medical": {"zh": "疾病的等待期是30天，等待期内发病不赔；意外住院不受等待期限制。",
                    "en": "The waiting period is 30 days for illness, and there is none for accidents."},
        "_": {"zh": "疾病身故有90天等待期，期间因病身故只退还已交保费；意外不受等待期限制。",
              "en": "There is a 90-day waiting period for death from illness, with only the premiums refunded in that time; it does not apply to accidents."},
    },
    "exclusions": {
        "accident": {"zh": "不赔的情况主要有：故意行为、酒驾和无证驾驶、战争和核辐射、疾病导致的身故，还有潜水、攀岩这类高风险运动，条款里都写明了。",
                     "en": "The exclusions are intentional acts, drink-driving or driving without a licence, war and nuclear events, death from illness, and high-risk sports such as diving or climbing."},
        "medical": {"zh": "不赔的情况主要是：投保前已有的疾病、等待期内发病、美容整形、故意行为、酒驾、战争和核辐射，这些在责任免除里写得很清楚。",
                    "en": "The exclusions are conditions you had before applying, illness starting in the waiting period, cosmetic treatment, intentional acts, drink-driving, war and nuclear events."},
        "_": {"zh": "不赔的情况包括：投保前已有的疾病、故意行为、酒驾和无证驾驶、战争和核辐射、等待期内确诊，这些在责任免除条款里都写明了。",
              "en": "What is not covered: conditions you had before applying, intentional acts, drink-driving or driving without a licence, war and nuclear events, and anything diagnosed in the waiting period."},
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
              "en": "You can report a claim online with the diagnosis, medical records and receipts; with complete documents a claim is usually paid within a few working days."},
    },
    "deductible": {
        "_": {"zh": "一年有一万元免赔额，也就是一年内自付的医疗费超过一万元以后才开始报销，小病门诊主要还是靠医保。",
              "en": "There is a 10,000-yuan deductible per year: it pays once your own medical bills in a year pass ten thousand."},
    },
    "renewal": {
        "_": {"zh": "这是一年期产品，每年要续保；续保条件在条款里写明了，如果产品停售就不能续保，这一点要提前跟您说清楚。",
              "en": "It's a one-year policy that you renew each year; the renewal terms are in the clause, and if the product is withdrawn it cannot be renewed."},
    },
    "coverage": {
        "_": {"zh": "保障期内如果身故或者全残，就一次性赔付保额，可以用来还房贷、维持家里开支。",
              "en": "If you die or become totally disabled during the term, the sum assured is paid in one lump sum, which can clear the mortgage and keep the household going."},
    },
    "guaranteed_return": {
        "universal_life": {"zh": "万能账户有保底利率，写进合同；结算利率超出保底的部分是不保证的，每个月公布，会有高有低。",
                           "en": "The account has a minimum guaranteed rate written into the contract; anything the crediting rate adds above it is not guaranteed."},
        "_": {"zh": "合同里写明的只有保证利益部分；分红是不保证的，演示的低、中、高三档只是演示，实际要看公司经营情况。",
              "en": "Only the guaranteed benefits are written into the contract; dividends are not guaranteed, and the illustrations are demonstrations, not promises."},
    },
    "surrender": {
        "_": {"zh": "可以退保，但前几年退保只能拿回现金价值，会比已交的保费少，有损失，所以最好用长期不用的钱。",
              "en": "You can surrender, but in the early years you only get the cash value back, which is less than you paid in."},
    },
    "payout": {
        "_": {"zh": "从约定的年龄开始，比如六十岁，按月领取养老金，活多久领多久，合同里写明了保证领取的部分。",
              "en": "From the age you choose, say sixty, payments arrive every month for life, and the contract states the guaranteed part."},
    },
    "occupation_class": {
        "_": {"zh": "您的工作属于常见的职业类别，可以正常投保，只要把职业如实告知就行。",
              "en": "Your work is a common occupation class and can be covered normally, as long as you state your job truthfully."},
    },
    "identity": {
        "_": {"zh": "不好意思，我是安澜人寿的保险顾问，工号A1024，执业信息可以在官网查询。",
              "en": "Sorry, I'm an adviser with Anlan Life, agent number A1024; my licence can be checked on our website."},
    },
}

# What an agent who does not know the product says when asked.
VAGUE_ANSWERS: dict[str, list[str]] = {
    "zh": ["这个条款里都有，您放心，到时候我再帮您查。", "这个问题一般不会遇到的，我们先看别的。"],
    "en": ["It's all in the policy wording, don't worry, I can check later.", "That hardly ever comes up, let's look at something else."],
}

PITCHES: dict[str, dict[str, str]] = {
    "critical_illness": {
        "zh": "简单说一下安心守护：确诊合同约定的重疾，一次性赔付保额，比如五十万，年交保费大约六千元。等待期90天，投保前已有的疾病不赔。",
        "en": "Put simply, Anxin Guardian pays the sum assured in one go when a covered critical illness is diagnosed, about six thousand yuan a year for half a million. There is a 90-day waiting period, and conditions you had before applying are excluded.",
    },
    "medical": {
        "zh": "康享百万医疗主要报销住院和特殊门诊的医疗费，一年保费几百元，有一万元免赔额，疾病等待期30天。",
        "en": "Kangxiang Million Medical pays hospital and specified outpatient bills for a few hundred yuan a year, with a 10,000-yuan deductible and a 30-day waiting period for illness; conditions you had before applying are excluded.",
    },
    "term_life": {
        "zh": "护家定期寿险保的是家里责任最重的这些年：保障期内身故或全残，赔付约定的保额，比如一百五十万，保到六十岁，一年保费四千元左右；投保前已有的疾病、酒驾这些情况不赔。",
        "en": "Put simply, Hujia Term Life pays a lump sum if you die or become totally disabled during the term, for example 1.5 million to age sixty for about four thousand yuan a year. The exclusions include pre-existing conditions and drunk driving.",
    },
    "whole_life_participating": {
        "zh": "福盈终身寿险是分红型的，有身故保障，也有现金价值。合同写明的保证利益是确定的，分红不保证；保费可以按您的预算定，比如每年三万交十年。疾病身故有90天等待期，故意行为、酒驾这些属于责任免除。",
        "en": "Fuying is participating whole life cover: a death benefit plus cash value. The guaranteed benefits are fixed in the contract, the dividends are not guaranteed. There is a 90-day waiting period for death from illness, and intentional acts or drink-driving are excluded.",
    },
    "annuity": {
        "zh": "颐年养老年金简单说就是：现在每年交保费，比如每年三万交十年，到约定年龄起按月领取养老金，活多久领多久；身故责任有90天等待期，前几年退保只能拿回现金价值，会有损失。",
        "en": "Put simply, with Yinian you pay a premium each year, for example sixty thousand for ten years, and from the age you choose you receive a monthly income for life. The death benefit has a 90-day waiting period, and surrendering in the early years returns only the cash value.",
    },
    "accident": {
        "zh": "安行综合意外主要保意外身故、伤残和意外医疗，一年保费几百元，生效后就开始保障；酒驾、无证驾驶和高风险运动不赔。",
        "en": "Anxing Personal Accident covers accidental death, disability and accident medical bills for a few hundred yuan a year. The exclusions include drunk driving, driving without a licence and extreme sports.",
    },
    "universal_life": {
        "zh": "稳盈万能险有身故保障，同时有一个万能账户，合同里有保底利率，超过保底的结算利率不保证；疾病身故有90天等待期，故意行为、酒驾属于责任免除。",
        "en": "Wenying Universal Life gives a death benefit and an account with a minimum guaranteed rate; anything above the minimum is not guaranteed. Death from illness has a 90-day waiting period, and intentional acts are excluded.",
    },
}

WEAK_PITCH = {
    "zh": "我们这款产品保障很全面，性价比很高，很多客户都买了，您放心。",
    "en": "This product has very complete cover and great value, lots of clients have bought it.",
}

DUTY_REMINDER = {
    "zh": "还有一点要提前说明：投保时请如实告知健康状况，包括体检异常和正在吃的药，否则可能影响理赔。",
    "en": "One thing before you decide: please disclose your health truthfully on the application, including check-up findings and medication, or a claim could be affected.",
}
COOLING_OFF_LONG = {
    "zh": "另外，签约后有15天犹豫期，这期间不满意可以全额退保。",
    "en": "Also, after signing there is a 15-day cooling-off period with a full refund.",
}
COOLING_OFF_ONE_YEAR = {
    "zh": "另外，这是一年期产品，一般没有犹豫期，不过可以随时申请退保，退还未满期的保费。",
    "en": "Also, as a one-year policy it usually has no cooling-off period, but you can cancel any time and get the unused premium back.",
}

ACKNOWLEDGEMENTS = {
    "zh": ["明白，谢谢您愿意跟我说这些。", "理解，这个情况很重要。", "您说得对，这个确实要考虑。"],
    "en": ["I understand, thank you for sharing that.", "That makes sense.", "I hear you."],
}

GREETINGS = {
    "zh": "{name}您好，我是安澜人寿的保险顾问{agent}，工号{number}。今天想花几分钟了解一下您的情况，您现在方便吗？",
    "en": "Hello {name}, my name is {agent}, an adviser with Anlan Life, agent number {number}. I'd like a few minutes to understand your situation. Is now a good time?",
}
WEAK_GREETINGS = {
    "zh": "您好，给您介绍一款保险产品，现在很多人都在买。",
    "en": "Hi, I want to tell you about an insurance product that a lot of people are buying.",
}
CLOSES = {
    "zh": "如果您没有其他疑问，我现在帮您办理投保，先一起把健康告知填好，您看可以吗？",
    "en": "If you have no other questions, shall we start the application together and go through the health questions first?",
}

# Rule-breaking lines of an agent with compliance risks: (text, serious?).
BREACHES: dict[str, list[tuple[str, bool]]] = {
    "zh": [
        ("我们这个产品收益保证每年5%，跟存银行一样，还比银行高。", True),
        ("什么病都赔，没有任何免责，条款不用看，您放心签就行。", True),
        ("健康告知随便勾个没有就行，他们不会查的。", True),
        ("您今天签，我返您首年保费的两成。", True),
        ("别犹豫了，这个产品下周就停售，过了今天就没了。", False),
        ("别家公司出了事根本不赔，都是骗人的，只有我们靠谱。", False),
    ],
    "en": [
        ("This plan gives a guaranteed 5% every year, just like a bank deposit but better.", True),
        ("Every illness is covered, there are no exclusions, no need to read the small print.", True),
        ("Just tick no on the health questions, they never check.", True),
        ("Sign today and I'll give you back 20% of the first premium.", True),
        ("Don't hesitate, the product is withdrawn next week, this is your last chance.", False),
        ("The other insurers never pay out, they're all crooks. Only we are reliable.", False),
    ],
}
# fmt: on

ONE_YEAR_TYPES = frozenset({"medical", "accident"})
SENSITIVE = frozenset({"income", "assets", "debts", "health"})


@dataclass(frozen=True)
class Strength:
    """How often each step of the SOP succeeds (0 = never, 1 = always)."""

    opening: float = 1.0
    discovery: float = 1.0  # share of the customer's topics the agent asks about
    product: float = 1.0  # a concrete pitch and honest answers to product questions
    objection: float = 1.0  # an objection answered with one of its resolution moves
    price_objection: float = 1.0  # the same for objections about the price
    duty: float = 1.0  # reminds the duty of truthful disclosure
    cooling_off: float = 1.0  # discloses the cooling-off period
    breach: float = 0.0  # chance of a rule-breaking line in a session
    serious_breach: float = 0.0  # chance that such a line breaks a serious rule
    closing: float = 1.0  # asks for the business once everything is said
    rapport: float = 0.8  # acknowledges what the customer shared before the next question


def blend(start: Strength, end: Strength, progress: float) -> Strength:
    progress = min(1.0, max(0.0, progress))
    return Strength(
        **{
            f.name: getattr(start, f.name) * (1 - progress) + getattr(end, f.name) * progress
            for f in fields(Strength)
        }
    )


@dataclass(frozen=True)
class Profile:
    """A demo agent over the weeks of the history: the strength at the start and at the end."""

    username: str
    display: dict[str, str]  # how the agent introduces themselves, by language
    start: Strength
    end: Strength
    language: str = "zh"

    def at(self, progress: float) -> Strength:
        return blend(self.start, self.end, progress)


SOLID = Strength(discovery=0.9, product=0.95, objection=0.9, price_objection=0.9)

PROFILES: dict[str, Profile] = {
    profile.username: profile
    for profile in [
        # Strong on the product, but keeps leaving out the cooling-off period and lets price
        # objections slide: the weaknesses the coaching loop should find.
        Profile(
            "agent1",
            {"zh": "李明", "en": "Ming Li"},
            Strength(
                discovery=0.85, product=1.0, objection=0.8, price_objection=0.0, cooling_off=0.0
            ),
            Strength(
                discovery=0.9, product=1.0, objection=0.85, price_objection=0.1, cooling_off=0.1
            ),
        ),
        # Improving week after week.
        Profile(
            "agent2",
            {"zh": "王芳", "en": "Fang Wang"},
            Strength(
                opening=0.5,
                discovery=0.3,
                product=0.5,
                objection=0.3,
                price_objection=0.3,
                duty=0.3,
                cooling_off=0.3,
                closing=0.6,
            ),
            Strength(discovery=0.95, product=0.95, objection=0.9, price_objection=0.9),
        ),
        # Weak at discovery: goes straight to the pitch.
        Profile(
            "agent3",
            {"zh": "张伟", "en": "Wei Zhang"},
            Strength(discovery=0.1, product=0.85, objection=0.7, price_objection=0.7, duty=0.8),
            Strength(discovery=0.2, product=0.85, objection=0.7, price_objection=0.7, duty=0.8),
        ),
        # Compliance risks: serious breaches in the early weeks, fewer later. (A chance above 1
        # keeps a step certain for the first part of the history.)
        Profile(
            "agent4",
            {"zh": "刘洋", "en": "Yang Liu"},
            Strength(
                discovery=0.7, product=0.7, objection=0.6, breach=1.5, serious_breach=1.5, duty=0.5
            ),
            Strength(
                discovery=0.8, product=0.8, objection=0.7, breach=0.1, serious_breach=0.2, duty=0.9
            ),
        ),
        Profile("agent5", {"zh": "赵静", "en": "Jing Zhao"}, SOLID, SOLID),
        # Practises the English scenarios.
        Profile(
            "agent6",
            {"zh": "孙艾玛", "en": "Emma Sun"},
            Strength(discovery=0.7, product=0.85, objection=0.7, price_objection=0.6, duty=0.8),
            Strength(discovery=0.85, product=0.9, objection=0.85, price_objection=0.8),
            language="en",
        ),
    ]
}


def product_type(scenario: Mapping[str, Any]) -> str:
    from practice.persona.engine import PRODUCT_TYPES

    return str(scenario.get("product_type") or PRODUCT_TYPES.get(str(scenario.get("product")), ""))


def _product_answer(topic: str, ptype: str, language: str) -> str | None:
    by_type = PRODUCT_ANSWERS.get(topic)
    if not by_type:
        return None
    return (by_type.get(ptype) or by_type["_"])[language]


class DemoAgent:
    """One agent of a given strength playing one scenario; call it with each customer reply."""

    def __init__(
        self,
        scenario: Mapping[str, Any],
        strength: Strength,
        rng: random.Random,
        *,
        agent_name: str = "",
        agent_number: str = "A1024",
    ) -> None:
        self.scenario = scenario
        self.strength = strength
        self.rng = rng
        self.language = "en" if scenario.get("language") == "en" else "zh"
        self.ptype = product_type(scenario)
        persona = scenario.get("persona") or {}
        self.customer_name = str(persona.get("name") or "")
        self.agent_name = agent_name or ("Lily Chen" if self.language == "en" else "陈丽")
        self.agent_number = agent_number
        items = list(persona.get("hidden_facts") or []) + list(persona.get("needs") or [])
        topics = list(dict.fromkeys(str(i["topic"]) for i in items))
        # Private matters come after some rapport, as trainers teach.
        topics = [t for t in topics if t not in SENSITIVE] + [t for t in topics if t in SENSITIVE]
        self.topics = [t for t in topics if t in TOPIC_QUESTIONS and self._roll(strength.discovery)]
        self.objections = list(persona.get("objections") or [])
        self.moves_tried: dict[str, int] = {}
        self.retried: set[str] = set()
        self.answered: set[str] = set()
        self.last_topic: str | None = None
        self.revealed = False
        self.stage = "greet"
        self.closes = 0
        self.messages = 0
        self.strong_pitch = self._roll(strength.product)
        self.remind_duty = self._roll(strength.duty)
        self.tell_cooling_off = self._roll(strength.cooling_off)
        self.breaches = self._plan_breaches()
        self.breach_at = rng.randint(3, 6)  # the agent's message that slips

    def _roll(self, chance: float) -> bool:
        return self.rng.random() < chance

    def _plan_breaches(self) -> list[str]:
        """Which rule-breaking lines this session will contain, if any."""
        if not self._roll(self.strength.breach):
            return []
        lines = BREACHES[self.language]
        serious = [text for text, is_serious in lines if is_serious]
        general = [text for text, is_serious in lines if not is_serious]
        chosen = [self.rng.choice(serious if self._roll(self.strength.serious_breach) else general)]
        if self._roll(self.strength.breach / 2):
            chosen.append(self.rng.choice(general))
        return chosen

    def __call__(self, reply: CustomerReply | None) -> str | None:
        if reply is not None and reply.ended:
            return None
        self.messages += 1
        if self.stage == "greet":
            self.stage = "discover"
            if self._roll(self.strength.opening):
                return GREETINGS[self.language].format(
                    name=self.customer_name, agent=self.agent_name, number=self.agent_number
                )
            return WEAK_GREETINGS[self.language]
        if reply is None:
            return self._next_step()
        self.revealed = reply.intent == "reveal"
        if self.last_topic and reply.intent not in ("reveal", "objection"):
            self._retry(self.last_topic)
        self.last_topic = None
        if self.breaches and self.messages >= self.breach_at:
            self.breach_at = self.messages + 2
            return self.breaches.pop(0)
        if reply.intent in ("objection", "pushback") and reply.objection_type:
            return self._answer_objection(reply.objection_type)
        if reply.topic and reply.topic not in self.answered:
            self.answered.add(reply.topic)
            answer = _product_answer(reply.topic, self.ptype, self.language)
            if answer and (reply.topic != "cooling_off" or self.tell_cooling_off):
                if self._roll(self.strength.product):
                    return answer
                return self.rng.choice(VAGUE_ANSWERS[self.language])
            if answer:  # asked about the cooling-off period by an agent who never mentions it
                return self.rng.choice(VAGUE_ANSWERS[self.language])
        return self._next_step()

    def _next_step(self) -> str | None:
        if self.stage == "discover":
            if self.topics:
                topic = self.topics.pop(0)
                self.last_topic = topic
                question = TOPIC_QUESTIONS[topic][self.language]
                if self.revealed and self._roll(self.strength.rapport):
                    thanks = self.rng.choice(ACKNOWLEDGEMENTS[self.language])
                    return thanks + ("" if self.language == "zh" else " ") + question
                return question
            self.stage = "pitch"
        if self.stage == "pitch":
            self.stage = "disclose"
            pitch = PITCHES.get(self.ptype) if self.strong_pitch else None
            return (pitch or WEAK_PITCH)[self.language]
        if self.stage == "disclose":
            self.stage = "close"
            parts = []
            if self.remind_duty:
                parts.append(DUTY_REMINDER[self.language])
            if self.tell_cooling_off:
                one_year = self.ptype in ONE_YEAR_TYPES
                parts.append(
                    (COOLING_OFF_ONE_YEAR if one_year else COOLING_OFF_LONG)[self.language]
                )
            if parts:
                return ("" if self.language == "zh" else " ").join(parts)
        if self.breaches:
            return self.breaches.pop(0)
        if self.closes >= 3 or (self.closes and not self._roll(self.strength.closing)):
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
            (o for o in self.objections if o.get("type") == objection_type),
            self.objections[0] if self.objections else {"code": objection_type},
        )
        chance = (
            self.strength.price_objection if objection_type == "price" else self.strength.objection
        )
        moves = [
            move
            for move in objection.get("resolved_by") or ["no_pressure"]
            if move in MOVE_ANSWERS and (move != "cooling_off" or self.tell_cooling_off)
        ] or ["no_pressure"]
        if not self._roll(chance):
            return self.rng.choice(BRUSH_OFFS[self.language])
        tried = self.moves_tried.get(objection["code"], 0)
        self.moves_tried[objection["code"]] = tried + 1
        return MOVE_ANSWERS[moves[tried % len(moves)]][self.language]


def reply_from_meta(text: str, meta: Mapping[str, Any]) -> CustomerReply:
    """The persona engine's reply as a stored customer turn records it."""
    return CustomerReply(
        text=text,
        intent=str(meta.get("intent") or "smalltalk"),
        objection_type=meta.get("objection_type"),
        topic=meta.get("topic"),
        outcome=meta.get("outcome"),
        ended=bool(meta.get("ended")),
    )


def transcript_play(
    scenario: Mapping[str, Any], agent: DemoAgent, *, seed: int, max_turns: int = 30
) -> list[dict]:
    """A whole conversation of ``agent`` with the persona engine, as ``[{"speaker", "text"}]``.

    The customer hears compliance breaches the way a practice session reports them: through the
    instant check of each agent message.
    """
    from practice.scoring.detector import check_agent_message

    engine = PersonaEngine(scenario, seed=seed)
    state = engine.initial_state()
    reply, state = engine.opening(state)
    turns = [{"speaker": "customer", "text": reply.text}]
    for _ in range(max_turns):
        text = agent(reply)
        if text is None:
            break
        breaches = [
            f.rule
            for f in check_agent_message(
                text,
                previous_customer_text=reply.text,
                language=agent.language,
                product_type=agent.ptype,
            )
        ]
        reply, state = engine.reply(state, text, breaches=breaches)
        turns += [{"speaker": "agent", "text": text}, {"speaker": "customer", "text": reply.text}]
        if reply.ended:
            break
    return turns
