"""Practice pages: the session (chat with streamed replies, hints, SOP navigator, alerts), its
results (scorecard and the customer's hidden state revealed), and the list of my sessions."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.http import StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import reswap, retarget

from accounts.permissions import member_required
from accounts.selectors import scoped_get
from cases.models import Scenario, Speaker
from config.errors import DomainError
from practice import selectors, services
from practice.llm.errors import LLMError
from practice.models import ConversationKind, ConversationStatus
from practice.realtime import sop_progress


@require_POST
@member_required
def session_start(request, code):
    scenario = scoped_get(
        Scenario.objects.select_related("product", "rubric"), request.user, code=code
    )
    conversation = services.session_start(user=request.user, scenario=scenario)
    return redirect("practice:session", pk=conversation.pk)


@member_required
def session_list(request):
    sessions = selectors.practice_sessions(request.user).order_by("-started_at")[:100]
    return render(request, "practice/session_list.html", {"sessions": sessions})


def _session_context(request, conversation) -> dict:
    turns = selectors.conversation_turns(conversation)
    last_customer = next((t for t in reversed(turns) if t.speaker == Speaker.CUSTOMER), None)
    alerts = [alert for turn in turns for alert in turn.alerts.all()]
    pending = turns[-1] if turns and turns[-1].speaker == Speaker.AGENT else None
    return {
        "conversation": conversation,
        "scenario": conversation.scenario,
        "turns": turns,
        "alerts": list(reversed(alerts)),
        "hints": (last_customer.meta.get("hints", []) if last_customer else []),
        "sop": sop_progress(conversation=conversation, turns=turns),
        "pending_turn": pending,
        "can_speak": conversation.status == ConversationStatus.ACTIVE
        and conversation.agent_id == request.user.pk
        and not conversation.state.get("ended"),
        "max_chars": settings.MESSAGE_MAX_CHARS,
    }


@member_required
def session_page(request, pk):
    conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
    if conversation.status != ConversationStatus.ACTIVE:
        return redirect("practice:results", pk=conversation.pk)
    return render(request, "practice/session.html", _session_context(request, conversation))


@member_required
def session_panel(request, pk):
    """The side panel (alerts, hints, SOP); polled so deeper checks appear within seconds."""
    conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
    return render(request, "practice/_side_panel.html", _session_context(request, conversation))


def _composer_error(request, conversation, message: str, status: int = 200):
    if request.htmx:
        response = render(request, "practice/_composer_error.html", {"error": message}, status=200)
        return reswap(retarget(response, "#composer-error"), "innerHTML")
    messages.error(request, message)
    return redirect("practice:session", pk=conversation.pk)


@require_POST
@member_required
def session_say(request, pk):
    conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
    text = request.POST.get("text", "")
    try:
        services.rate_limit_check(user=request.user)
        from practice.budget import budget_check

        budget_check(conversation=conversation)
        submitted = services.turn_submit(conversation=conversation, user=request.user, text=text)
    except DomainError as exc:
        return _composer_error(request, conversation, exc.message)
    if not request.htmx:
        # Without JavaScript: the whole turn now, then back to the page.
        try:
            services.reply_generate(conversation=conversation)
        except (LLMError, DomainError) as exc:
            messages.error(request, getattr(exc, "message", str(exc)))
        return redirect("practice:session", pk=conversation.pk)
    return render(
        request,
        "practice/_turn_submitted.html",
        {"conversation": conversation, "turn": submitted.agent_turn, "alerts": submitted.alerts},
    )


def _sse(event: str, data: str) -> str:
    lines = data.splitlines() or [""]
    return f"event: {event}\n" + "".join(f"data: {line}\n" for line in lines) + "\n"


@require_GET
@member_required
def reply_stream(request, pk):
    """Server-sent events: the customer's reply in pieces, then the finished turn and panels."""
    conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
    run = services.reply_stream(conversation=conversation)
    delay = settings.OFFLINE_STREAM_DELAY_MS / 1000 if conversation.provider == "offline" else 0

    def events():
        try:
            for piece in run:
                yield _sse("delta", escape(piece))
                if delay:
                    time.sleep(delay)
        except (LLMError, DomainError) as exc:
            html = render_to_string(
                "practice/_reply_failed.html",
                {"conversation": conversation, "error": getattr(exc, "message", str(exc))},
                request=request,
            )
            yield _sse("done", html)
            return
        conversation.refresh_from_db()
        context = _session_context(request, conversation)
        context["reply"] = run.result.customer_turn if run.result else None
        yield _sse("done", render_to_string("practice/_reply_done.html", context, request=request))

    response = StreamingHttpResponse(events(), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"
    return response


@require_POST
@member_required
def reply_retry(request, pk):
    """After a failed reply (model timeout): try the customer's reply again; nothing was lost."""
    conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
    if services.pending_agent_turn(conversation) is None:
        return redirect("practice:session", pk=conversation.pk)
    if request.htmx:
        return render(request, "practice/_reply_pending.html", {"conversation": conversation})
    try:
        services.reply_generate(conversation=conversation)
    except (LLMError, DomainError) as exc:
        messages.error(request, getattr(exc, "message", str(exc)))
    return redirect("practice:session", pk=conversation.pk)


@require_POST
@member_required
def session_finish(request, pk):
    conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
    try:
        services.session_finish(conversation=conversation, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("practice:session", pk=conversation.pk)
    return redirect("practice:results", pk=conversation.pk)


@require_POST
@member_required
def session_close(request, pk):
    conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
    try:
        services.session_close(conversation=conversation, user=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("practice:sessions")


@member_required
def session_results(request, pk):
    """The scorecard (polled while pending) and what the customer was hiding."""
    conversation = selectors.conversation_get(request.user, pk, kind=ConversationKind.PRACTICE)
    if conversation.status == ConversationStatus.ACTIVE:
        return redirect("practice:session", pk=conversation.pk)
    turns = selectors.conversation_turns(conversation)
    scorecard = selectors.scorecard_current(conversation)
    context = {
        "conversation": conversation,
        **selectors.scorecard_context(conversation, scorecard, turns),
        "reveal": selectors.session_reveal(conversation, turns),
    }
    if request.htmx and request.GET.get("part") == "scorecard":
        return render(request, "practice/_scorecard.html", context)
    return render(request, "practice/results.html", context)


@require_POST
@member_required
def scorecard_rerun(request, pk):
    from accounts.permissions import TRAINERS
    from practice.models import Scorecard
    from practice.scoring.pipeline import scorecard_rerun as rerun

    if request.user.role not in TRAINERS:
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    scorecard = scoped_get(Scorecard.objects.select_related("conversation"), request.user, pk=pk)
    rerun(scorecard=scorecard)
    messages.success(request, _("Scoring was queued again."))
    return redirect(scorecard.conversation.get_absolute_url())
