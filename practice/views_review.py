"""Review pages for trainers: the queue, one scorecard with per-item actions, and agreement.

Each action is a POST that calls one service in ``practice.review``. With htmx the answer is the
review panel (a partial of the review page); without it, a redirect back to the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import TRAINERS, role_required
from accounts.selectors import AUDIT_ACTION_LABELS, org_or_builtin
from config.errors import DomainError
from knowledge.models import ComplianceRule
from practice import review, selectors
from practice.models import CriterionScore, Finding

QUEUE_LIMIT = 200


@role_required(*TRAINERS)
def review_queue(request):
    context = {
        "queue": review.review_queue(user=request.user)[:QUEUE_LIMIT],
        "counts": review.review_counts(user=request.user),
    }
    return render(request, "practice/review_queue.html", context)


def _review_context(request, scorecard, error: str = "", error_item: str = "") -> dict:
    conversation = scorecard.conversation
    turns = selectors.conversation_turns(conversation)
    context = selectors.scorecard_context(conversation, scorecard, turns)
    # An action's error is shown next to its item.
    for item in context.get("criteria", []):
        item.review_error = error if error_item == f"c{item.pk}" else ""
    for item in context.get("all_findings", []):
        item.review_error = error if error_item == f"f{item.pk}" else ""
    audit = list(review.review_audit_trail(scorecard=scorecard)[:100])
    for event in audit:
        event.action_label = AUDIT_ACTION_LABELS.get(event.action, event.action)
    return {
        **context,
        "conversation": conversation,
        "scorecard": scorecard,
        "agent_turns": [t for t in turns if t.speaker == "agent"],
        "rules": org_or_builtin(ComplianceRule.objects.filter(is_active=True), request.user),
        "audit": audit,
        "error": error,
        "error_item": error_item,
    }


@role_required(*TRAINERS)
def review_page(request, pk):
    scorecard = review.review_scorecard_get(user=request.user, pk=pk)
    return render(request, "practice/review_scorecard.html", _review_context(request, scorecard))


def _after_action(request, pk, error: str = "", item: str = ""):
    scorecard = review.review_scorecard_get(user=request.user, pk=pk)
    if request.htmx:
        return render(
            request,
            "practice/review_panel.html",
            _review_context(request, scorecard, error=error, error_item=item),
        )
    if error:
        messages.error(request, error)
    return redirect("practice:review", pk=pk)


@require_POST
@role_required(*TRAINERS)
def review_criterion(request, pk, item_id):
    scorecard = review.review_scorecard_get(user=request.user, pk=pk)
    criterion = get_object_or_404(CriterionScore, pk=item_id, scorecard=scorecard)
    raw = request.POST.get("score", "").strip()
    action = request.POST.get("action", "confirm")
    try:
        review.criterion_review(
            criterion=criterion,
            reviewer=request.user,
            score=raw if action == "adjust" and raw != "" else None,
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        return _after_action(request, pk, exc.message, f"c{criterion.pk}")
    return _after_action(request, pk)


@require_POST
@role_required(*TRAINERS)
def review_finding(request, pk, item_id):
    scorecard = review.review_scorecard_get(user=request.user, pk=pk)
    finding = get_object_or_404(Finding, pk=item_id, scorecard=scorecard)
    try:
        review.finding_review(
            finding=finding,
            reviewer=request.user,
            keep=request.POST.get("action") != "reject",
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        return _after_action(request, pk, exc.message, f"f{finding.pk}")
    return _after_action(request, pk)


@require_POST
@role_required(*TRAINERS)
def review_finding_add(request, pk):
    scorecard = review.review_scorecard_get(user=request.user, pk=pk)
    try:
        review.finding_add(
            scorecard=scorecard,
            reviewer=request.user,
            rule_code=request.POST.get("rule", ""),
            turn=request.POST.get("turn", ""),
            quote=request.POST.get("quote", ""),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        return _after_action(request, pk, exc.message, "add")
    return _after_action(request, pk)


@require_POST
@role_required(*TRAINERS)
def review_complete(request, pk):
    scorecard = review.review_scorecard_get(user=request.user, pk=pk)
    try:
        review.scorecard_review_complete(scorecard=scorecard, reviewer=request.user)
    except DomainError as exc:
        return _after_action(request, pk, exc.message, "complete")
    if request.htmx:
        return _after_action(request, pk)
    messages.success(request, _("Review completed."))
    return redirect("practice:review_queue")


@role_required(*TRAINERS)
def agreement(request):
    report = review.agreement_report(organisation_id=request.user.organisation_id)
    return render(
        request,
        "practice/review_agreement.html",
        {**report, "min_items": review.KAPPA_MIN_ITEMS},
    )
