"""Scoring rules that hold for the offline scorer and the LLM judge alike (``scoring.policy``):
a breach is never good work, it pulls down the criterion of its skill, objection handling does not
apply when the customer raised no objection, and the discovery criterion cites the very questions
the needs_discovery checkpoint counts."""

import pytest

from cases.models import Scenario
from coaching.history import load_histories
from config.errors import DomainError
from practice import review, services
from practice.calls import call_import
from practice.models import CriterionScore, ScorecardStatus
from practice.scoring import policy
from practice.scoring.default_rubric import CALL_QA_CRITERIA
from practice.scoring.detector import analyse_dialogue, discovery_questions
from practice.scoring.pipeline import scorecard_score
from practice.scoring.rubric_scorer import score_dialogue
from tests.fakes.openai_server import Reply

BREACH_ZH = "这款产品稳赚不赔，保证收益，保额还能自动增长。"

# A practice session in the "second child" scenario that does most things right, but promises
# returns in one message (QA: product explanation scored 5/5 citing that very line).
SESSION_ZH = [
    "您好林女士，我是安澜人寿的顾问李明，执业证号A12345。",
    "想先了解一下您家里的情况，孩子多大了？家里主要是谁在挣钱？",
    "这款重疾险保障120种重疾，等待期90天，等待期内确诊不赔。",
    BREACH_ZH,
    "投保前请如实告知健康情况，签约后有15天犹豫期，犹豫期内可以全额退保。",
    "那我们明天下午把投保资料发给您，您看可以吗？",
]

# An imported call (QA: objection handling 4.5/5 "2 targeted answers", citing the breach).
CALL_BREACH = "您放心，这款分红险稳赚不赔，每年保底6%。"
CALL_WITH_CONCERNS = [
    {"speaker": "agent", "text": "您好，我是安澜人寿的顾问李明，工号A12345。"},
    {"speaker": "customer", "text": "你好，什么事？"},
    {"speaker": "agent", "text": "家里有几口人？孩子多大了？"},
    {"speaker": "customer", "text": "三口人，孩子五岁。不过我怕买保险会亏钱。"},
    {"speaker": "agent", "text": CALL_BREACH},
    {"speaker": "customer", "text": "是吗？我再考虑考虑吧。"},
    {
        "speaker": "agent",
        "text": "我理解您的顾虑，我们可以算一笔账，每天只要几块钱，也可以按您的预算调整方案。",
    },
    {"speaker": "customer", "text": "好的，你发我看看。"},
]
CALL_NO_CONCERN = [
    {"speaker": "agent", "text": "您好，我是安澜人寿的顾问李明，工号A12345。"},
    {"speaker": "customer", "text": "你好。"},
    {"speaker": "agent", "text": "想了解一下您家里的情况，孩子多大了？平时收入怎么样？"},
    {"speaker": "customer", "text": "孩子五岁，收入还行。"},
    {"speaker": "agent", "text": "这款产品有90天等待期，等待期内确诊不赔；签约后有15天犹豫期。"},
    {"speaker": "customer", "text": "好的，明白了。"},
]


def scored_call(organisation, trainer, turns, *, title, **kwargs):
    """Import a Chinese call transcript and score it in-process."""
    conversation = call_import(
        organisation=organisation,
        actor=trainer,
        title=title,
        language="zh",
        turns=turns,
        **kwargs,
    )
    return scorecard_score(scorecard_id=conversation.scorecards.get().pk, notify=False)


def cited_turns(criterion) -> set[int]:
    return {e["turn"] for e in criterion.evidence}


def run_session(user, scenario, lines, seed=7):
    conversation = services.session_start(user=user, scenario=scenario, seed=seed)
    for line in lines:
        services.turn_submit(conversation=conversation, user=user, text=line)
        services.reply_generate(conversation=conversation)
        conversation.refresh_from_db()
    services.session_finish(conversation=conversation, user=user, queue_scoring=False)
    scorecard = conversation.scorecards.get(is_current=True)
    return conversation, scorecard_score(scorecard_id=scorecard.pk, notify=False)


def breach_turn(scorecard) -> int:
    finding = scorecard.findings.get(rule_code="guaranteed_return")
    return finding.turn


# --- the offline scorer ---------------------------------------------------------------------
@pytest.mark.django_db
def test_a_breach_is_never_good_product_work_and_caps_the_product_criterion(seeded_org, agent):
    scenario = Scenario.objects.get(organisation=seeded_org, code="zh-ci-young-mother")
    conversation, scorecard = run_session(agent, scenario, SESSION_ZH)
    turn = breach_turn(scorecard)
    assert conversation.turns.get(index=turn).text == BREACH_ZH

    product = scorecard.criteria.get(skill="product")
    # exclusions explained and product points covered, but the return promise caps it at 40 %
    assert product.score <= policy.SERIOUS_RATIO * product.max_score
    assert "承诺保证收益" in product.rationale and f"#{turn}" in product.rationale
    for criterion in scorecard.criteria.exclude(skill="compliance"):
        assert turn not in cited_turns(criterion), criterion.code
    # the compliance criterion still cites it: it is why that score is low
    assert turn in cited_turns(scorecard.criteria.get(skill="compliance"))


@pytest.mark.django_db
def test_objection_handling_does_not_apply_when_no_objection_was_raised(seeded_org, agent):
    scenario = Scenario.objects.get(organisation=seeded_org, code="zh-ci-young-mother")
    # the persona's only objection (price) is raised on the budget topic, never touched here
    _, scorecard = run_session(agent, scenario, SESSION_ZH)
    objection = scorecard.criteria.get(skill="objection")
    assert objection.applicable is False
    assert objection.score == 0 and objection.evidence == []
    assert "没有提出异议" in objection.rationale and "不计入总分" in objection.rationale

    counted = [c for c in scorecard.criteria.all() if c.applicable]
    expected = sum(c.weight * c.score / c.max_score for c in counted) / sum(
        c.weight for c in counted
    )
    # the objection criterion is left out of the overall (then the serious cap applies)
    assert scorecard.overall == min(round(100 * expected), policy.SERIOUS_CAP)


@pytest.mark.django_db
def test_a_raised_and_resolved_objection_is_scored_from_the_resolving_message(seeded_org, agent):
    scenario = Scenario.objects.get(organisation=seeded_org, code="zh-ci-young-mother")
    lines = [
        "您好林女士，我是安澜人寿的顾问李明，执业证号A12345。",
        "您每年的保费预算大概多少？",
        "我理解您的顾虑，一天算下来十几块钱，保额也可以按您的预算调一调。",
    ]
    conversation, scorecard = run_session(agent, scenario, lines)
    objection = scorecard.criteria.get(skill="objection")
    assert objection.applicable is True
    assert objection.score >= 0.8 * objection.max_score
    turns = {t.index: t for t in conversation.turns.all()}
    assert [e["turn"] for e in objection.evidence] == [5]
    assert turns[5].speaker == "agent" and "十几块钱" in turns[5].text


@pytest.mark.django_db
def test_imported_call_objection_answers_exclude_the_breach(seeded_org, trainer):
    scorecard = scored_call(seeded_org, trainer, CALL_WITH_CONCERNS, title="分红险回访")
    turn = breach_turn(scorecard)
    assert CALL_WITH_CONCERNS[turn]["text"] == CALL_BREACH

    objection = scorecard.criteria.get(skill="objection")
    assert objection.applicable is True
    # two concerns (losing money, thinking it over); only the second got a compliant answer
    assert "2 次顾虑" in objection.rationale and "1 次" in objection.rationale
    assert objection.score <= 0.6 * objection.max_score
    assert cited_turns(objection) == {6}
    product = scorecard.criteria.get(skill="product")
    assert product.score <= policy.SERIOUS_RATIO * product.max_score
    for criterion in scorecard.criteria.exclude(skill="compliance"):
        assert turn not in cited_turns(criterion), criterion.code


@pytest.mark.django_db
def test_imported_call_without_a_concern_leaves_objection_handling_out(seeded_org, trainer):
    scorecard = scored_call(seeded_org, trainer, CALL_NO_CONCERN, title="no concern")
    objection = scorecard.criteria.get(skill="objection")
    assert objection.applicable is False and objection.score == 0
    counted = [c for c in scorecard.criteria.all() if c.applicable]
    assert len(counted) == len(CALL_QA_CRITERIA) - 1
    expected = sum(c.weight * c.score / c.max_score for c in counted) / sum(
        c.weight for c in counted
    )
    assert scorecard.overall == round(100 * expected)
    # the API says so
    from practice.serializers import ScorecardSerializer

    data = ScorecardSerializer(scorecard).data
    item = next(c for c in data["criteria"] if c["skill"] == "objection")
    assert item["applicable"] is False
    assert all(c["applicable"] for c in data["criteria"] if c["skill"] != "objection")


@pytest.mark.django_db
def test_not_applicable_criteria_stay_out_of_the_skill_profile(seeded_org, trainer, agent):
    scorecard = scored_call(
        seeded_org, trainer, CALL_NO_CONCERN, title="no concern", agent_username=agent.username
    )
    assert scorecard.status in (ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW)
    [record] = load_histories(organisation_id=seeded_org.pk, agent_ids=[agent.pk])[agent.pk]
    assert "objection" not in record.skills  # a 0 that did not apply is no weakness
    assert "product" in record.skills


@pytest.mark.django_db
def test_reviewer_scoring_a_not_applicable_criterion_makes_it_count(seeded_org, trainer):
    scorecard = scored_call(seeded_org, trainer, CALL_NO_CONCERN, title="no concern")
    objection = scorecard.criteria.get(skill="objection")
    before = scorecard.overall

    review.criterion_review(criterion=objection, reviewer=trainer)  # confirm: still N/A
    objection.refresh_from_db()
    scorecard.refresh_from_db()
    assert objection.applicable is False and scorecard.overall == before

    with pytest.raises(DomainError) as refused:  # a change needs its reason
        review.criterion_review(criterion=objection, reviewer=trainer, score=0)
    assert refused.value.field == "comment"
    review.criterion_review(
        criterion=objection, reviewer=trainer, score=0, comment="客户其实表达了顾虑"
    )
    objection.refresh_from_db()
    scorecard.refresh_from_db()
    assert objection.applicable is True and objection.review_status == "adjusted"
    assert scorecard.overall < before  # a counted 0 now pulls the overall down


# --- the LLM judge obeys the same rules -----------------------------------------------------
@pytest.fixture
def judge_settings(settings, fake_openai):
    settings.LLM_PROVIDER = "openai"
    settings.LLM_BASE_URL = fake_openai.base_url
    settings.LLM_API_KEY = "test-key"
    settings.LLM_MAX_RETRIES = 0
    settings.LLM_TIMEOUT = 5
    return fake_openai


@pytest.mark.django_db
def test_judge_criteria_go_through_the_same_policy(judge_settings, seeded_org, trainer):
    turns = [*CALL_NO_CONCERN[:4], {"speaker": "agent", "text": CALL_BREACH}, CALL_NO_CONCERN[5]]
    conversation = call_import(
        organisation=seeded_org, actor=trainer, title="judge", language="zh", turns=turns
    )
    scorecard = conversation.scorecards.get()
    criteria = []
    for c in scorecard.rubric.criteria:
        # a generous judge: full marks everywhere, the breach cited as good product work
        quote = "稳赚不赔" if c["skill"] in ("product", "objection") else "我是安澜人寿的顾问李明"
        criteria.append(
            {
                "criterion": c["code"],
                "skill": c["skill"],
                "score": 5,
                "max_score": 5,
                "rationale": "讲得很好",
                "evidence": [{"turn": 4 if "稳赚" in quote else 0, "quote": quote}],
            }
        )
    judge_settings.push(
        Reply(
            json={
                "criteria": criteria,
                "findings": [
                    {
                        "rule": "guaranteed_return",
                        "turn": 4,
                        "quote": "稳赚不赔",
                        "confidence": 0.95,
                    }
                ],
                "checkpoints": [],
                "flags": [],
            }
        )
    )
    scorecard = scorecard_score(scorecard_id=scorecard.pk, notify=False)
    assert scorecard.provider == "openai"
    product = scorecard.criteria.get(skill="product")
    assert product.score == policy.SERIOUS_RATIO * product.max_score
    assert product.evidence == []
    objection = scorecard.criteria.get(skill="objection")
    assert objection.applicable is False and objection.score == 0  # nothing was objected to
    opening = scorecard.criteria.get(skill="opening")
    assert opening.score == 5 and opening.evidence == [
        {"turn": 0, "quote": "我是安澜人寿的顾问李明"}
    ]
    assert scorecard.overall <= policy.SERIOUS_CAP and scorecard.passed is False


# --- policy as pure functions ---------------------------------------------------------------
def criterion(skill, score=5.0, evidence=(), weight=10):
    return {
        "code": skill,
        "skill": skill,
        "title": skill,
        "weight": weight,
        "score": score,
        "max_score": 5.0,
        "rationale": "ok",
        "evidence": list(evidence),
    }


def test_criterion_whose_only_evidence_is_a_breach_is_capped():
    findings = [{"rule": "false_urgency", "severity": "general", "turn": 3, "quote": "x"}]
    [rapport, closing] = policy.criteria_finalise(
        [
            criterion("rapport", evidence=[{"turn": 3, "quote": "x"}]),
            criterion("closing", evidence=[{"turn": 5, "quote": "y"}]),
        ],
        findings=findings,
        objections=[],
        language="en",
    )
    assert rapport["evidence"] == [] and rapport["score"] == 2.0
    assert "only evidence" in rapport["rationale"]
    # a general breach of a closing rule caps closing at 60 %, naming the rule
    assert closing["score"] == 3.0 and "False urgency" in closing["rationale"]
    assert closing["evidence"] == [{"turn": 5, "quote": "y"}]


def test_overall_counts_only_applicable_criteria_and_is_a_whole_number():
    criteria = [
        {**criterion("opening", score=4.0), "applicable": True},
        {**criterion("objection", score=0.0, weight=30), "applicable": False},
        {**criterion("product", score=3.0), "applicable": True},
    ]
    overall, passed = policy.overall_score(criteria, serious=False)
    assert overall == 70.0 and passed is True  # (80 + 60) / 2; the 0 does not count
    assert policy.overall_score(criteria, serious=True) == (59.0, False)
    # half up, so the number shown is the number the pass is decided on
    halves = [criterion("opening", score=2.975)]  # 59.5 %
    assert policy.overall_score(halves, serious=False) == (60.0, True)


# --- discovery evidence and the checkpoint agree ---------------------------------------------
EN_TURNS = [
    {"speaker": "customer", "text": "Hello? Yes, I have a few minutes."},
    {"speaker": "agent", "text": "Hi Mr. Zhang, I'm David Li from Anlan Life."},
    {"speaker": "customer", "text": "Hi. What can I do for you?"},
    # a request, not a question: the persona engine hears a topic, the checkpoint counts nothing
    {"speaker": "agent", "text": "Tell me about your family."},
    {"speaker": "customer", "text": "We have a baby daughter."},
    {"speaker": "agent", "text": "Is now a good time to talk about your family's plans?"},
    {"speaker": "customer", "text": "Sure."},
    {"speaker": "agent", "text": "How is your health?"},
    {"speaker": "customer", "text": "Fine."},
]


def discovery(turns):
    result = score_dialogue(turns, rubric=CALL_QA_CRITERIA, language="en")
    analysis = analyse_dialogue(turns, language="en")
    return next(c for c in result.criteria if c.skill == "discovery"), analysis


def test_discovery_cites_only_the_questions_the_checkpoint_counts():
    criterion_, analysis = discovery(EN_TURNS)
    checkpoint = analysis.checkpoints["needs_discovery"]
    assert checkpoint.reached is False
    counted = {
        i
        for i, t in enumerate(EN_TURNS)
        if t["speaker"] == "agent" and discovery_questions(t["text"])
    }
    assert counted == {7}
    assert {e["turn"] for e in criterion_.evidence} == counted  # not #3, not #5
    assert "1 question about" in criterion_.rationale  # not "1 questions"
    assert "checkpoint was not reached" in criterion_.rationale


def test_discovery_evidence_includes_the_turn_that_reached_the_checkpoint():
    turns = [*EN_TURNS[:7], {"speaker": "agent", "text": "How is your health? Any cover?"}]
    criterion_, analysis = discovery(turns)
    checkpoint = analysis.checkpoints["needs_discovery"]
    assert checkpoint.reached is True and checkpoint.turn == 7
    assert 7 in {e["turn"] for e in criterion_.evidence}
    assert "checkpoint was reached (#7)" in criterion_.rationale
    assert "Asked 2 questions" in criterion_.rationale


def test_english_rationales_agree_in_number():
    result = score_dialogue(CALL_WITH_CONCERNS, rubric=CALL_QA_CRITERIA, language="en")
    text = " ".join(c.rationale for c in result.criteria)
    assert "(s)" not in text
    assert "1 questions" not in text and "1 times" not in text and "1 concerns" not in text


@pytest.mark.django_db
def test_stored_criterion_applicable_defaults_true(seeded_org, trainer):
    scorecard = scored_call(seeded_org, trainer, CALL_WITH_CONCERNS, title="defaults")
    assert CriterionScore.objects.filter(scorecard=scorecard, applicable=True).count() == len(
        CALL_QA_CRITERIA
    )


def test_questions_asked_metric_counts_questions_like_the_discovery_criterion():
    turns = [
        {"speaker": "customer", "text": "喂，你好。"},
        {"speaker": "agent", "text": "想先了解一下您家里的情况，孩子多大了？家里主要是谁在挣钱？"},
        {"speaker": "customer", "text": "孩子六岁，我爱人挣得多。"},
        {"speaker": "agent", "text": "您平时身体怎么样？单位有没有给您买过医疗保险？"},
        {"speaker": "customer", "text": "身体还行，有医保。"},
    ]
    result = score_dialogue(turns, rubric=CALL_QA_CRITERIA, language="zh")
    found = next(c for c in result.criteria if c.skill == "discovery")
    assert "提出了 4 个" in found.rationale
    assert result.metrics["questions_asked"] == 4  # not 2 messages with a question
