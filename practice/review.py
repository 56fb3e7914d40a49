"""Human review of scorecards ("AI first pass, human backstop"): the queue, the reviewer's
actions, and the agreement between the AI and the reviewers.

Every action is audited (who, when, before, after) and recomputes the overall score and pass with
the scorer's own rule: the weighted mean of the criteria, capped below the pass mark by any serious
finding that still stands. The rows keep the AI's original next to the human's verdict:
``CriterionScore.ai_score`` beside ``score``, ``Finding.source`` beside ``review_status``.

Agreement is measured on reviewed items. A finding rule is a yes/no question asked of every
reviewed scorecard — did the AI flag it, did the reviewer keep (or add) it; a criterion is
pass/fail at 60 % of its maximum, before and after review. Cohen's kappa corrects the raw
agreement for chance and is reported from :data:`KAPPA_MIN_ITEMS` reviewed items on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Min,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import AuditEvent, User
from accounts.permissions import TRAINERS
from accounts.selectors import org_or_builtin, scope, scoped_get
from accounts.services import audit_record
from config.errors import Conflict, DomainError
from knowledge.localized import active_language
from knowledge.models import ComplianceRule
from practice.models import (
    CriterionScore,
    Finding,
    FindingSource,
    ItemStatus,
    Scorecard,
    ScorecardStatus,
)
from practice.scoring.policy import overall_score
from practice.selectors import rule_titles

KAPPA_MIN_ITEMS = 10
CRITERION_PASS_RATIO = 0.6
QUEUE_STATUSES = (ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW, ScorecardStatus.FAILED)
EDITABLE_STATUSES = (ScorecardStatus.SCORED, ScorecardStatus.NEEDS_REVIEW, ScorecardStatus.REVIEWED)


# --- the score rule -------------------------------------------------------------------------
def overall_from(
    criteria: Iterable[CriterionScore], findings: Iterable[Finding]
) -> tuple[float | None, bool | None]:
    """Overall score and pass from (reviewed) criteria and the findings that still stand:
    the scorer's own rule (``scoring.policy.overall_score``)."""
    serious = any(f.severity == "serious" and f.is_active for f in findings)
    return overall_score(criteria, serious=serious)


# --- the queue ------------------------------------------------------------------------------
def review_queue(*, user: User) -> QuerySet[Scorecard]:
    """Current scorecards awaiting a reviewer: serious findings first, then those the scorer
    sent to review, then the least confident findings, then the newest."""
    active = ~Q(findings__review_status=ItemStatus.REJECTED)
    serious = Finding.objects.filter(scorecard=OuterRef("pk"), severity="serious").exclude(
        review_status=ItemStatus.REJECTED
    )
    return (
        scope(Scorecard.objects.all(), user)
        .filter(is_current=True, status__in=QUEUE_STATUSES)
        .select_related("conversation__agent", "conversation__scenario", "rubric")
        .annotate(
            has_serious=Exists(serious),
            wants_review=Case(
                When(status=ScorecardStatus.NEEDS_REVIEW, then=Value(1)),
                default=Value(0),
                output_field=IntegerField(),
            ),
            min_confidence=Min("findings__confidence", filter=active),
            serious_count=Count("findings", filter=active & Q(findings__severity="serious")),
            general_count=Count("findings", filter=active & ~Q(findings__severity="serious")),
        )
        .order_by(
            "-has_serious",
            "-wants_review",
            Coalesce("min_confidence", Value(2.0)).asc(),
            "-created_at",
            "-id",
        )
    )


def review_counts(*, user: User) -> dict[str, int]:
    rows = (
        scope(Scorecard.objects.all(), user)
        .filter(is_current=True)
        .values("status")
        .annotate(n=Count("id"))
    )
    return {row["status"]: row["n"] for row in rows}


def _require_reviewer(user: User) -> None:
    if user.organisation_id is None or user.role not in TRAINERS:
        raise PermissionDenied


def review_scorecard_get(*, user: User, pk: int) -> Scorecard:
    """A scorecard of the caller's organisation for review (403 for non-reviewers, else 404)."""
    _require_reviewer(user)
    return scoped_get(
        Scorecard.objects.select_related(
            "conversation__agent",
            "conversation__scenario",
            "conversation__product",
            "rubric",
            "reviewed_by",
        ).prefetch_related(
            Prefetch("criteria", queryset=CriterionScore.objects.order_by("id")),
            Prefetch("findings", queryset=Finding.objects.order_by("turn", "id")),
            "checkpoints",
        ),
        user,
        pk=pk,
    )


def review_audit_trail(*, scorecard: Scorecard) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(
        organisation_id=scorecard.organisation_id,
        target_type=Scorecard._meta.label_lower,
        target_id=str(scorecard.pk),
    ).select_related("actor")


# --- actions --------------------------------------------------------------------------------
def _locked(scorecard_id: int) -> Scorecard:
    scorecard = Scorecard.objects.select_for_update().get(pk=scorecard_id)
    if scorecard.status not in EDITABLE_STATUSES:
        raise Conflict(_("Only a scored scorecard can be reviewed."), code="not_reviewable")
    return scorecard


def _criterion_state(c: CriterionScore) -> dict:
    return {
        "criterion": c.code,
        "score": c.score,
        "applicable": c.applicable,
        "ai_score": c.ai_score,
        "review_status": c.review_status,
        "comment": c.review_comment,
    }


def _finding_state(f: Finding) -> dict:
    return {
        "finding": f.pk,
        "rule": f.rule_code,
        "severity": f.severity,
        "turn": f.turn,
        "quote": f.quote,
        "source": f.source,
        "review_status": f.review_status,
        "comment": f.review_comment,
    }


def _recompute(scorecard: Scorecard) -> None:
    overall, passed = overall_from(scorecard.criteria.all(), scorecard.findings.all())
    scorecard.overall = overall
    scorecard.passed = passed
    scorecard.save(update_fields=["overall", "passed"])


def _audit(scorecard: Scorecard, reviewer: User, action: str, summary: str, before, after):
    audit_record(
        organisation=scorecard.organisation,
        actor=reviewer,
        action=action,
        target=scorecard,
        summary=summary,
        before=before,
        after=after,
    )


def _item_scorecard(item: CriterionScore | Finding, reviewer: User) -> Scorecard:
    _require_reviewer(reviewer)
    scorecard = _locked(item.scorecard_id)
    if scorecard.organisation_id != reviewer.organisation_id:
        raise PermissionDenied
    return scorecard


@transaction.atomic
def criterion_review(
    *,
    criterion: CriterionScore,
    reviewer: User,
    score: float | None = None,
    comment: str = "",
) -> CriterionScore:
    """Confirm a criterion (``score`` None or unchanged) or adjust its score (comment required)."""
    scorecard = _item_scorecard(criterion, reviewer)
    criterion = CriterionScore.objects.select_for_update().get(pk=criterion.pk)
    comment = (comment or "").strip()
    if score is not None:
        try:
            score = float(score)
        except (TypeError, ValueError) as exc:
            raise DomainError(_("The score must be a number."), field="score") from exc
        if not 0 <= score <= criterion.max_score:
            raise DomainError(
                _("The score must be between 0 and %(max)s.") % {"max": f"{criterion.max_score:g}"},
                field="score",
            )
    # A score given to a criterion the AI left as not applicable makes it count.
    adjusting = score is not None and (score != criterion.score or not criterion.applicable)
    if adjusting and not comment:
        raise DomainError(_("Say why you change the score."), field="comment")
    before = {
        **_criterion_state(criterion),
        "overall": scorecard.overall,
        "passed": scorecard.passed,
    }
    if adjusting:
        criterion.review_status = (
            ItemStatus.CONFIRMED
            if score == criterion.ai_score and criterion.applicable
            else ItemStatus.ADJUSTED
        )
        criterion.score = score
        criterion.applicable = True
    elif criterion.review_status == ItemStatus.AI:
        criterion.review_status = ItemStatus.CONFIRMED
    if comment:
        criterion.review_comment = comment
    criterion.save(update_fields=["score", "applicable", "review_status", "review_comment"])
    _recompute(scorecard)
    after = {
        **_criterion_state(criterion),
        "overall": scorecard.overall,
        "passed": scorecard.passed,
    }
    _audit(
        scorecard,
        reviewer,
        "review.criterion_adjust" if adjusting else "review.criterion_confirm",
        f"{criterion.code}: {before['score']:g} → {criterion.score:g}"
        if adjusting
        else f"{criterion.code}: {criterion.score:g} confirmed",
        before,
        after,
    )
    return criterion


@transaction.atomic
def finding_review(*, finding: Finding, reviewer: User, keep: bool, comment: str = "") -> Finding:
    """Confirm a finding (``keep``) or reject it (a comment is required)."""
    scorecard = _item_scorecard(finding, reviewer)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    comment = (comment or "").strip()
    if not keep and not comment:
        raise DomainError(_("Say why you reject this finding."), field="comment")
    before = {**_finding_state(finding), "overall": scorecard.overall, "passed": scorecard.passed}
    finding.review_status = ItemStatus.CONFIRMED if keep else ItemStatus.REJECTED
    if comment:
        finding.review_comment = comment
    finding.save(update_fields=["review_status", "review_comment"])
    _recompute(scorecard)
    after = {**_finding_state(finding), "overall": scorecard.overall, "passed": scorecard.passed}
    _audit(
        scorecard,
        reviewer,
        "review.finding_confirm" if keep else "review.finding_reject",
        f"{finding.rule_code} #{finding.turn}: {'confirmed' if keep else 'rejected'}",
        before,
        after,
    )
    return finding


@transaction.atomic
def finding_add(
    *,
    scorecard: Scorecard,
    reviewer: User,
    rule_code: str,
    turn: int | str,
    quote: str,
    comment: str = "",
) -> Finding:
    """A finding the reviewer saw and the AI missed; the quote must be verbatim from the turn."""
    _require_reviewer(reviewer)
    if scorecard.organisation_id != reviewer.organisation_id:
        raise PermissionDenied
    scorecard = _locked(scorecard.pk)
    rule = (
        org_or_builtin(ComplianceRule.objects.filter(code=rule_code, is_active=True), reviewer)
        .order_by("organisation_id")
        .first()
    )
    if rule is None:
        raise DomainError(_('Unknown rule "%(code)s".') % {"code": rule_code}, field="rule")
    try:
        turn = int(turn)
    except (TypeError, ValueError) as exc:
        raise DomainError(_("Choose the turn of the finding."), field="turn") from exc
    target = scorecard.conversation.turns.filter(index=turn).first()
    if target is None:
        raise DomainError(_("Turn %(turn)s does not exist.") % {"turn": turn}, field="turn")
    if target.speaker != "agent":
        raise DomainError(
            _("A finding is about the agent's words; turn %(turn)s is the customer's.")
            % {"turn": turn},
            field="turn",
        )
    quote = (quote or "").strip()
    if not quote:
        raise DomainError(_("Quote the words of the finding."), field="quote")
    if quote not in target.text:
        raise DomainError(
            _("The quote must be copied word for word from turn %(turn)s.") % {"turn": turn},
            field="quote",
        )
    before = {"overall": scorecard.overall, "passed": scorecard.passed}
    finding = Finding.objects.create(
        scorecard=scorecard,
        rule_code=rule.code,
        severity=rule.severity,
        turn=turn,
        quote=quote,
        confidence=1.0,
        source=FindingSource.HUMAN,
        review_status=ItemStatus.CONFIRMED,
        review_comment=(comment or "").strip(),
    )
    _recompute(scorecard)
    _audit(
        scorecard,
        reviewer,
        "review.finding_add",
        f"{rule.code} #{turn} added",
        before,
        {**_finding_state(finding), "overall": scorecard.overall, "passed": scorecard.passed},
    )
    return finding


@transaction.atomic
def scorecard_review_complete(*, scorecard: Scorecard, reviewer: User) -> Scorecard:
    """The reviewer is done: items left untouched count as confirmed; status ``reviewed``."""
    _require_reviewer(reviewer)
    if scorecard.organisation_id != reviewer.organisation_id:
        raise PermissionDenied
    scorecard = _locked(scorecard.pk)
    before = {"status": scorecard.status, "overall": scorecard.overall, "passed": scorecard.passed}
    confirmed_criteria = scorecard.criteria.filter(review_status=ItemStatus.AI).update(
        review_status=ItemStatus.CONFIRMED
    )
    confirmed_findings = scorecard.findings.filter(review_status=ItemStatus.AI).update(
        review_status=ItemStatus.CONFIRMED
    )
    _recompute(scorecard)
    scorecard.status = ScorecardStatus.REVIEWED
    scorecard.reviewed_by = reviewer
    scorecard.reviewed_at = timezone.now()
    scorecard.save(update_fields=["status", "reviewed_by", "reviewed_at"])
    _audit(
        scorecard,
        reviewer,
        "review.complete",
        f"review completed: {scorecard.overall}",
        before,
        {
            "status": scorecard.status,
            "overall": scorecard.overall,
            "passed": scorecard.passed,
            "confirmed_criteria": confirmed_criteria,
            "confirmed_findings": confirmed_findings,
        },
    )
    return scorecard


# --- agreement ------------------------------------------------------------------------------
def cohen_kappa(pairs: Iterable[tuple[bool, bool]]) -> float | None:
    """Cohen's kappa of two raters' yes/no verdicts; ``None`` when it is undefined (chance
    agreement is certain because both raters gave one answer throughout) or there are no pairs."""
    pairs = list(pairs)
    n = len(pairs)
    if not n:
        return None
    observed = sum(1 for a, b in pairs if a == b) / n
    a_yes = sum(1 for a, _ in pairs if a) / n
    b_yes = sum(1 for _, b in pairs if b) / n
    expected = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    if expected >= 1.0:
        return None
    return (observed - expected) / (1 - expected)


@dataclass
class AgreementRow:
    code: str
    kind: str = "rule"  # "rule" or "criterion"
    title: str = ""  # the rule's or criterion's name in the active language
    pairs: list[tuple[bool, bool]] = field(default_factory=list)
    confirmed: int = 0
    changed: int = 0  # adjusted criteria / rejected findings
    added: int = 0  # findings only the reviewer saw

    @property
    def n(self) -> int:
        return len(self.pairs)

    @property
    def agreed(self) -> int:
        return sum(1 for a, b in self.pairs if a == b)

    @property
    def rate(self) -> float | None:
        """Rules: the share of items where the reviewer agreed with the AI (flag or no flag).
        Criteria: the share the reviewer confirmed with the AI's exact score."""
        if not self.n:
            return None
        return (self.agreed if self.kind == "rule" else self.confirmed) / self.n

    @property
    def enough(self) -> bool:
        return self.n >= KAPPA_MIN_ITEMS

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self.pairs) if self.enough else None


def _criterion_titles(organisation_id: int) -> dict[str, str]:
    """Criterion code → title in the active language, from the organisation's rubrics (the
    newest version of a rubric names its criteria)."""
    from cases.models import Rubric

    key = f"title_{active_language()}"
    titles: dict[str, str] = {}
    for criteria in (
        Rubric.objects.filter(organisation_id=organisation_id)
        .order_by("-version", "-id")
        .values_list("criteria", flat=True)
    ):
        for criterion in criteria or ():
            if isinstance(criterion, dict) and criterion.get("code"):
                title = criterion.get(key) or criterion.get("title_zh") or criterion.get("title_en")
                if title:
                    titles.setdefault(criterion["code"], str(title))
    return titles


def agreement_report(*, organisation_id: int) -> dict[str, list[AgreementRow]]:
    """AI-vs-human agreement per rule and per criterion over the organisation's reviewed items.

    Rules: every reviewed scorecard is one item per rule — (AI flagged it, reviewer kept or added
    it). Criteria: every reviewed criterion is one item — (AI pass, human pass) at 60 % of max.
    """
    reviewed = Scorecard.objects.filter(
        organisation_id=organisation_id, status=ScorecardStatus.REVIEWED
    ).prefetch_related("findings", "criteria")
    titles = rule_titles(organisation_id)
    criterion_titles = _criterion_titles(organisation_id)
    rules = {code: AgreementRow(code, title=titles[code]) for code in sorted(titles)}
    criteria: dict[str, AgreementRow] = {}
    for scorecard in reviewed:
        findings = list(scorecard.findings.all())
        for code in {f.rule_code for f in findings} | set(rules):
            row = rules.setdefault(code, AgreementRow(code, title=code))
            mine = [f for f in findings if f.rule_code == code]
            ai = [f for f in mine if f.source != FindingSource.HUMAN]
            kept = [f for f in ai if f.review_status != ItemStatus.REJECTED]
            human = [f for f in mine if f.source == FindingSource.HUMAN]
            row.pairs.append((bool(ai), bool(kept or human)))
            row.confirmed += len(kept)
            row.changed += len(ai) - len(kept)
            row.added += len(human)
        for criterion in scorecard.criteria.all():
            if (
                criterion.review_status == ItemStatus.AI
                or not criterion.max_score
                or not criterion.applicable
            ):
                continue
            row = criteria.setdefault(
                criterion.code,
                AgreementRow(
                    criterion.code,
                    kind="criterion",
                    title=criterion_titles.get(criterion.code) or criterion.title or criterion.code,
                ),
            )
            ai_score = criterion.ai_score if criterion.ai_score is not None else criterion.score
            threshold = CRITERION_PASS_RATIO * criterion.max_score
            row.pairs.append((ai_score >= threshold, criterion.score >= threshold))
            if criterion.score == ai_score:
                row.confirmed += 1
            else:
                row.changed += 1
    return {
        # Rules that anyone flagged come first.
        "rules": sorted(
            rules.values(), key=lambda r: (-(r.confirmed + r.changed + r.added), r.code)
        ),
        "criteria": sorted(criteria.values(), key=lambda r: r.code),
    }
