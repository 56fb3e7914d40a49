"""Call QA pages: the list of imported calls, the upload form, and one call with its scorecard."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import STAFF, member_required, role_required
from accounts.selectors import visible_agents
from config.errors import DomainError
from knowledge.models import Language
from knowledge.selectors import product_list
from practice import selectors
from practice.call_formats import MAX_FILE_BYTES, CallFormatError, parse_call_file
from practice.calls import call_get, call_import, call_list
from practice.models import ScorecardStatus

LIST_LIMIT = 200


@role_required(*STAFF)
def calls(request):
    filters = {"agent": request.GET.get("agent", ""), "status": request.GET.get("status", "")}
    context = {
        "calls": call_list(user=request.user, agent_id=filters["agent"], status=filters["status"])[
            :LIST_LIMIT
        ],
        "filters": filters,
    }
    if request.htmx and request.htmx.target == "call-list":
        return render(request, "practice/calls_rows.html", context)
    context.update(agents=visible_agents(request.user), statuses=ScorecardStatus.choices)
    return render(request, "practice/calls.html", context)


def _upload_context(request, values: dict, error: str = "") -> dict:
    return {
        "values": values,
        "error": error,
        "agents": visible_agents(request.user),
        "products": product_list(user=request.user),
        "languages": Language.choices,
        "max_mb": MAX_FILE_BYTES // (1024 * 1024),
    }


@role_required(*STAFF)
def call_upload(request):
    if request.method != "POST":
        return render(request, "practice/calls_upload.html", _upload_context(request, {}))
    values = {
        name: request.POST.get(name, "").strip()
        for name in ("title", "language", "agent", "product")
    }
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise CallFormatError(_("Choose a file to upload."))
        if upload.size > MAX_FILE_BYTES:
            raise CallFormatError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}
            )
        parsed = parse_call_file(upload.name, upload.read())
        conversation = call_import(
            organisation=request.user.organisation,
            actor=request.user,
            title=values["title"] or parsed.title,
            language=values["language"] or parsed.language,
            turns=parsed.turns,
            agent_username=values["agent"] or None,
            product_code=values["product"] or None,
            source="upload",
        )
    except (CallFormatError, DomainError) as exc:
        return render(
            request,
            "practice/calls_upload.html",
            _upload_context(request, values, error=exc.message),
            status=400,
        )
    return redirect("practice:call", pk=conversation.pk)


@member_required
def call_page(request, pk):
    conversation = call_get(user=request.user, pk=pk)
    turns = selectors.conversation_turns(conversation)
    scorecard = selectors.scorecard_current(conversation)
    context = {
        "conversation": conversation,
        **selectors.scorecard_context(conversation, scorecard, turns),
    }
    if request.htmx and request.GET.get("part") == "scorecard":
        return render(request, "practice/_scorecard.html", context)
    return render(request, "practice/calls_detail.html", context)
