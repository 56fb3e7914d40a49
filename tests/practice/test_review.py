"""The trainer review queue: order, reviewer actions with audit and recomputed scores,
permissions, and AI-vs-human agreement with Cohen's kappa."""

import math

import pytest

from accounts.models import AuditEvent
from config.errors import DomainError
from practice import review
from practice.calls import call_import
from practice.models import (
    CriterionScore,
    Finding,
    FindingSource,
    ItemStatus,
    Scorecard,
    ScorecardStatus,
)
from practice.review import cohen_kappa
from practice.scoring.pipeline import scorecard_score

pytestmark = pytest.mark.django_db

CLEAN_TURNS = [
    {"speaker": "agent", "text": "您好，我是安澜人寿的顾问李明，工号A12345。"},
    {"speaker": "customer", "text": "你好。"},
    {"speaker": "agent", "text": "想了解一下您家里的情况，孩子多大了？平时收入怎么样？"},
    {"speaker": "customer", "text": "孩子五岁。"},
    {"speaker": "agent", "text": "这款产品有90天等待期，等待期内确诊不赔；签约后有15天犹豫期。"},
    {"speaker": "customer", "text": "好的，我想想。"},
]
SERIOUS_TURNS = [
    *CLEAN_TURNS[:4],
    {"speaker": "agent", "text": "这款产品稳赚不赔，收益是保证的，年化8%。"},
    {"speaker": "customer", "text": "真的吗？"},
]


@pytest.fixture(autouse=True)
def english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def scored(org, trainer, turns=CLEAN_TURNS, title="call") -> Scorecard:
    conversation = call_import(
        organisation=org, actor=trainer, title=title, language="zh", turns=turns
    )
    return scorecard_score(scorecard_id=conversation.scorecards.get().pk)


def with_findings(scorecard, *findings, status=None) -> Scorecard:
    """Replace the AI's findings with constructed ones (rule, severity, confidence[, state])."""
    Finding.objects.filter(scorecard=scorecard).delete()
    for rule, severity, confidence, *state in findings:
        Finding.objects.create(
            scorecard=scorecard,
            rule_code=rule,
            severity=severity,
            turn=2,
            quote="孩子多大了",
            confidence=confidence,
            review_status=state[0] if state else ItemStatus.AI,
        )
    if status:
        Scorecard.objects.filter(pk=scorecard.pk).update(status=status)
    return scorecard


def test_queue_order_serious_then_needs_review_then_confidence_then_newest(seeded_org, trainer):
    make = lambda title: scored(seeded_org, trainer, title=title)  # noqa: E731
    plain_old = with_findings(make("plain old"), status=ScorecardStatus.SCORED)
    rejected_serious = with_findings(
        make("rejected serious"),
        ("guaranteed_return", "serious", 0.9, ItemStatus.REJECTED),
        status=ScorecardStatus.SCORED,
    )
    unsure = with_findings(
        make("unsure"), ("false_urgency", "general", 0.3), status=ScorecardStatus.SCORED
    )
    sure = with_findings(
        make("sure"), ("false_urgency", "general", 0.9), status=ScorecardStatus.SCORED
    )
    wants_review = with_findings(make("wants review"), status=ScorecardStatus.NEEDS_REVIEW)
    serious = with_findings(
        make("serious"), ("guaranteed_return", "serious", 0.95), status=ScorecardStatus.SCORED
    )
    done = with_findings(make("done"), status=ScorecardStatus.REVIEWED)
    pending = call_import(
        organisation=seeded_org, actor=trainer, title="pending", language="zh", turns=CLEAN_TURNS
    )

    queue = list(review.review_queue(user=trainer))
    titles = [sc.conversation.title for sc in queue]
    assert titles == [
        serious.conversation.title,
        wants_review.conversation.title,
        unsure.conversation.title,
        sure.conversation.title,
        rejected_serious.conversation.title,  # newer than "plain old", no standing findings
        plain_old.conversation.title,
    ]
    assert done.pk not in {sc.pk for sc in queue}
    assert pending.title not in titles
    assert queue[0].serious_count == 1 and queue[2].general_count == 1
    assert queue[4].serious_count == 0  # a rejected finding no longer counts


def test_queue_page_lists_badges_and_counts_with_constant_queries(
    login, seeded_org, trainer, django_assert_max_num_queries
):
    with_findings(scored(seeded_org, trainer), ("guaranteed_return", "serious", 0.9))
    with_findings(scored(seeded_org, trainer), status=ScorecardStatus.FAILED)
    client = login(trainer)
    with django_assert_max_num_queries(10) as first:
        page = client.get("/practice/review/")
    html = page.content.decode()
    assert html.count("data-scorecard=") == 2
    assert "badge-serious" in html
    assert "/practice/scorecards/" in html  # the failed one links to "score again"
    for _ in range(3):
        scored(seeded_org, trainer)
    with django_assert_max_num_queries(len(first.captured_queries)):
        client.get("/practice/review/")


def test_adjust_and_confirm_recompute_overall_and_audit_before_after(seeded_org, trainer):
    scorecard = with_findings(scored(seeded_org, trainer))
    criteria = list(scorecard.criteria.order_by("id"))
    target, other = criteria[0], criteria[1]
    with pytest.raises(DomainError, match="why"):
        review.criterion_review(criterion=target, reviewer=trainer, score=0)
    with pytest.raises(DomainError, match="between 0 and 5"):
        review.criterion_review(criterion=target, reviewer=trainer, score=6, comment="x")

    review.criterion_review(criterion=target, reviewer=trainer, score=0, comment="没有自我介绍")
    target.refresh_from_db()
    assert target.score == 0 and target.ai_score is not None and target.ai_score > 0
    assert target.review_status == ItemStatus.ADJUSTED
    scorecard.refresh_from_db()
    fresh = list(CriterionScore.objects.filter(scorecard=scorecard, applicable=True))
    # the overall is a whole number, rounded half up, over the criteria that apply
    expected = math.floor(
        100 * sum(c.weight * c.score / c.max_score for c in fresh) / sum(c.weight for c in fresh)
        + 0.5
    )
    assert scorecard.overall == expected
    assert scorecard.passed == (expected >= 60)

    event = AuditEvent.objects.get(action="review.criterion_adjust")
    assert event.actor == trainer and event.target_id == str(scorecard.pk)
    assert event.before["score"] == target.ai_score and event.after["score"] == 0
    assert event.after["overall"] == expected and event.before["overall"] != expected
    assert event.after["comment"] == "没有自我介绍"

    review.criterion_review(criterion=other, reviewer=trainer)
    other.refresh_from_db()
    assert other.review_status == ItemStatus.CONFIRMED and other.score == other.ai_score
    confirm = AuditEvent.objects.get(action="review.criterion_confirm")
    assert confirm.before["review_status"] == "ai" and confirm.after["review_status"] == "confirmed"


def test_rejecting_the_serious_finding_lifts_the_cap(seeded_org, trainer):
    scorecard = scored(seeded_org, trainer, turns=SERIOUS_TURNS)
    serious = list(scorecard.findings.filter(severity="serious"))
    assert serious, "the detector should flag the guaranteed return"
    assert scorecard.overall <= 59 and scorecard.passed is False
    for criterion in scorecard.criteria.all():
        review.criterion_review(
            criterion=criterion, reviewer=trainer, score=criterion.max_score, comment="满分复核"
        )
    scorecard.refresh_from_db()
    assert scorecard.overall == 59.0 and scorecard.passed is False  # still capped
    with pytest.raises(DomainError, match="why"):
        review.finding_review(finding=serious[0], reviewer=trainer, keep=False)
    for finding in scorecard.findings.all():
        review.finding_review(finding=finding, reviewer=trainer, keep=False, comment="误报")
    scorecard.refresh_from_db()
    assert scorecard.overall == 100.0 and scorecard.passed is True
    event = AuditEvent.objects.filter(action="review.finding_reject").order_by("id").first()
    assert event.before["review_status"] == "ai" and event.after["review_status"] == "rejected"
    # the AI's original verdict is kept beside the human's
    assert all(f.source == FindingSource.OFFLINE for f in scorecard.findings.all())


def test_add_finding_needs_a_verbatim_quote_and_takes_the_rule_severity(seeded_org, trainer):
    scorecard = with_findings(scored(seeded_org, trainer))
    before = scorecard.overall
    with pytest.raises(DomainError, match="word for word"):
        review.finding_add(
            scorecard=scorecard,
            reviewer=trainer,
            rule_code="guaranteed_return",
            turn=4,
            quote="保证收益百分之十",
        )
    with pytest.raises(DomainError, match="customer"):
        review.finding_add(
            scorecard=scorecard,
            reviewer=trainer,
            rule_code="guaranteed_return",
            turn=1,
            quote="你好",
        )
    with pytest.raises(DomainError, match="Unknown rule"):
        review.finding_add(
            scorecard=scorecard, reviewer=trainer, rule_code="made_up", turn=4, quote="等待期"
        )
    assert not scorecard.findings.exists()
    finding = review.finding_add(
        scorecard=scorecard,
        reviewer=trainer,
        rule_code="guaranteed_return",
        turn=4,
        quote="等待期内确诊不赔",
        comment="语气暗示",
    )
    assert finding.severity == "serious" and finding.source == FindingSource.HUMAN
    scorecard.refresh_from_db()
    assert scorecard.overall == min(before, 59.0) and scorecard.passed is False
    event = AuditEvent.objects.get(action="review.finding_add")
    assert event.after["quote"] == "等待期内确诊不赔" and event.before["overall"] == before


def test_complete_review_confirms_untouched_items_and_leaves_the_queue(seeded_org, trainer):
    scorecard = scored(seeded_org, trainer, turns=SERIOUS_TURNS)
    assert scorecard.pk in {sc.pk for sc in review.review_queue(user=trainer)}
    review.scorecard_review_complete(scorecard=scorecard, reviewer=trainer)
    scorecard.refresh_from_db()
    assert scorecard.status == ScorecardStatus.REVIEWED
    assert scorecard.reviewed_by == trainer and scorecard.reviewed_at is not None
    assert not scorecard.criteria.filter(review_status=ItemStatus.AI).exists()
    assert not scorecard.findings.filter(review_status=ItemStatus.AI).exists()
    assert scorecard.pk not in {sc.pk for sc in review.review_queue(user=trainer)}
    assert AuditEvent.objects.get(action="review.complete").after["status"] == "reviewed"


def test_review_pages_and_actions_by_role(
    login, seeded_org, trainer, org_admin, manager, agent, outsider_trainer
):
    scorecard = scored(seeded_org, trainer, turns=SERIOUS_TURNS)
    finding = scorecard.findings.first()
    criterion = scorecard.criteria.first()
    urls = [
        ("get", "/practice/review/", {}),
        ("get", f"/practice/review/{scorecard.pk}/", {}),
        ("get", "/practice/review/agreement/", {}),
        (
            "post",
            f"/practice/review/{scorecard.pk}/findings/{finding.pk}/",
            {"action": "reject", "comment": "x"},
        ),
        ("post", f"/practice/review/{scorecard.pk}/complete/", {}),
    ]
    for user in (agent, manager):
        client = login(user)
        for method, url, data in urls:
            assert getattr(client, method)(url, data).status_code == 403, (user.role, url)
    intruder = login(outsider_trainer)
    for method, url, data in urls[1:2] + urls[3:]:
        assert getattr(intruder, method)(url, data).status_code == 404, url
    finding.refresh_from_db()
    assert finding.review_status == ItemStatus.AI

    client = login(org_admin)
    page = client.get(f"/practice/review/{scorecard.pk}/")
    assert page.status_code == 200 and 'data-testid="review-panel"' in page.content.decode()
    # htmx: the action answers the panel, with the item's error in place
    response = client.post(
        f"/practice/review/{scorecard.pk}/criteria/{criterion.pk}/",
        {"action": "adjust", "score": "1", "comment": ""},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert 'data-testid="review-error"' in html and "why" in html
    response = client.post(
        f"/practice/review/{scorecard.pk}/criteria/{criterion.pk}/",
        {"action": "adjust", "score": "1", "comment": "开场不完整"},
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.score == 1 and criterion.review_status == ItemStatus.ADJUSTED
    response = client.post(f"/practice/review/{scorecard.pk}/complete/")
    assert response.status_code == 302 and response["Location"] == "/practice/review/"
    trail = client.get(f"/practice/review/{scorecard.pk}/").content.decode()
    assert "Criterion score adjusted" in trail and "Review completed" in trail  # labels
    assert 'title="review.criterion_adjust"' in trail and 'title="review.complete"' in trail


# --- agreement ------------------------------------------------------------------------------
def test_cohen_kappa_against_hand_computed_values():
    # 8 yes/yes, 2 yes/no, 1 no/yes, 9 no/no: po = .85, pe = .5*.45 + .5*.55 = .5 → .7
    pairs = [(True, True)] * 8 + [(True, False)] * 2 + [(False, True)] + [(False, False)] * 9
    assert cohen_kappa(pairs) == pytest.approx(0.7)
    assert cohen_kappa([(True, True), (False, False)] * 5) == pytest.approx(1.0)
    assert cohen_kappa([(True, False), (False, True)] * 5) == pytest.approx(-1.0)
    assert cohen_kappa([(True, True)] * 10) is None  # one answer throughout: undefined
    assert cohen_kappa([]) is None


def test_agreement_per_rule_and_criterion_on_constructed_reviews(login, seeded_org, trainer):
    scorecards = [scored(seeded_org, trainer, title=f"c{i}") for i in range(12)]
    for i, sc in enumerate(scorecards):
        with_findings(sc, *([("guaranteed_return", "serious", 0.8)] if i < 7 else []))
        CriterionScore.objects.filter(scorecard=sc, code="opening").update(
            score=2 if i >= 8 else 5, ai_score=2 if i >= 8 else 5
        )

    def act(i, sc):
        opening = sc.criteria.get(code="opening")
        if i < 3:
            review.criterion_review(criterion=opening, reviewer=trainer, score=1, comment="低")
        elif i == 3:
            review.criterion_review(criterion=opening, reviewer=trainer, score=4, comment="略低")
        finding = sc.findings.filter(rule_code="guaranteed_return").first()
        if i in (5, 6):
            review.finding_review(finding=finding, reviewer=trainer, keep=False, comment="误报")
        elif finding:
            review.finding_review(finding=finding, reviewer=trainer, keep=True)
        if i == 7:
            review.finding_add(
                scorecard=sc,
                reviewer=trainer,
                rule_code="guaranteed_return",
                turn=4,
                quote="等待期内确诊不赔",
            )
        review.scorecard_review_complete(scorecard=sc, reviewer=trainer)

    for i, sc in enumerate(scorecards[:9]):
        act(i, sc)
    report = review.agreement_report(organisation_id=seeded_org.pk)
    rule = next(r for r in report["rules"] if r.code == "guaranteed_return")
    assert rule.n == 9 and not rule.enough and rule.kappa is None
    page = login(trainer).get("/practice/review/agreement/").content.decode()
    assert "not enough reviews yet" in page

    for i, sc in enumerate(scorecards[9:], start=9):
        act(i, sc)
    report = review.agreement_report(organisation_id=seeded_org.pk)
    rule = next(r for r in report["rules"] if r.code == "guaranteed_return")
    # 5 yes/yes, 2 yes/no, 1 no/yes, 4 no/no → po = 9/12, pe = 7/12*6/12 + 5/12*6/12 = .5
    assert (rule.n, rule.confirmed, rule.changed, rule.added) == (12, 5, 2, 1)
    assert rule.rate == pytest.approx(0.75)
    assert rule.kappa == pytest.approx(0.5)
    untouched = next(r for r in report["rules"] if r.code == "false_urgency")
    assert untouched.n == 12 and untouched.rate == 1.0 and untouched.kappa is None

    opening = next(r for r in report["criteria"] if r.code == "opening")
    # pass/fail at 3 of 5: 5 pass/pass, 3 pass/fail, 4 fail/fail → po = .75,
    # pe = 8/12*5/12 + 4/12*7/12 = 68/144 → kappa = 40/76
    assert (opening.n, opening.confirmed, opening.changed) == (12, 8, 4)
    assert opening.rate == pytest.approx(8 / 12)
    assert opening.kappa == pytest.approx(40 / 76)
    page = login(trainer).get("/practice/review/agreement/").content.decode()
    assert "0.53" in page and "0.50" in page
