"""The judge's quotes are checked against the transcript: an invented quote voids its finding or
evidence, and the scorecard goes to a human (``needs_review``) with an ``unverified_evidence``
flag. The judge is the ``openai`` provider talking HTTP to the fake server."""

import pytest

from practice.calls import call_import
from practice.models import Conversation, ScorecardStatus
from practice.scoring.pipeline import scorecard_score
from tests.fakes.openai_server import Reply

pytestmark = pytest.mark.django_db

TURNS = [
    {"speaker": "agent", "text": "您好，我是安澜人寿的顾问李明，工号A12345。"},
    {"speaker": "customer", "text": "你好，收益怎么样？"},
    {"speaker": "agent", "text": "这款产品有90天等待期，签约后有15天犹豫期。"},
    {"speaker": "customer", "text": "好的。"},
]


@pytest.fixture
def judge_settings(settings, fake_openai):
    settings.LLM_PROVIDER = "openai"
    settings.LLM_BASE_URL = fake_openai.base_url
    settings.LLM_API_KEY = "test-key"
    settings.LLM_MAX_RETRIES = 0
    settings.LLM_TIMEOUT = 5
    return fake_openai


def test_fabricated_quote_is_dropped_and_the_scorecard_goes_to_review(
    judge_settings, seeded_org, trainer
):
    conversation = call_import(
        organisation=seeded_org, actor=trainer, title="judge", language="zh", turns=TURNS
    )
    assert conversation.provider == "openai"
    scorecard = conversation.scorecards.get()
    criteria = []
    for c in scorecard.rubric.criteria:
        evidence = [{"turn": 0, "quote": "我是安澜人寿的顾问李明"}]
        if c["code"] == "product":
            evidence = [{"turn": 2, "quote": "这款产品保本保收益，年化百分之八"}]  # invented
        criteria.append(
            {
                "criterion": c["code"],
                "skill": c["skill"],
                "score": 5,
                "max_score": 5,
                "rationale": "依据见引用",
                "evidence": evidence,
            }
        )
    judge_settings.push(
        Reply(
            json={
                "criteria": criteria,
                "findings": [
                    # invented words put in the agent's mouth
                    {
                        "rule": "guaranteed_return",
                        "turn": 2,
                        "quote": "保证年化收益8%",
                        "confidence": 0.9,
                    },
                    # a real quote, but the customer's: not the agent's violation
                    {
                        "rule": "guaranteed_return",
                        "turn": 1,
                        "quote": "收益怎么样",
                        "confidence": 0.9,
                    },
                ],
                "checkpoints": [{"code": "identity_disclosed", "reached": True, "turn": 0}],
                "flags": [],
            }
        )
    )
    scorecard = scorecard_score(scorecard_id=scorecard.pk)

    assert scorecard.provider == "openai"
    assert scorecard.status == ScorecardStatus.NEEDS_REVIEW
    assert not scorecard.findings.exists()  # both findings voided
    assert scorecard.overall > 59  # no serious cap from an invented violation
    # the judge's score for the criterion with invented evidence is void: the offline scorer's
    # score and evidence stand in, and every quote on the card is really in its turn
    product = scorecard.criteria.get(code="product")
    assert "这款产品保本保收益，年化百分之八" not in str(product.evidence)
    for criterion in scorecard.criteria.all():
        for item in criterion.evidence:
            assert item["quote"] in TURNS[item["turn"]]["text"]
    opening = scorecard.criteria.get(code="opening")
    assert opening.evidence == [{"turn": 0, "quote": "我是安澜人寿的顾问李明"}]
    unverified = [f for f in scorecard.flags if f["code"] == "unverified_evidence"]
    assert len(unverified) == 3
    assert any("product" in f["detail"] for f in unverified)
    assert any("customer" in f["detail"] for f in unverified)
    # the judge saw the stored transcript
    assert "我是安澜人寿的顾问李明" in judge_settings.chat_requests[-1].text
    assert Conversation.objects.get(pk=conversation.pk).provider == "openai"
