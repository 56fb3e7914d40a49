"""Coaching pages: the team dashboard with its drill-downs and CSV exports, the trainer desk,
courses with the course builder, assignments and drills."""

from __future__ import annotations

import csv
from datetime import datetime, time, timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role, Team, User
from accounts.permissions import MANAGERS, STAFF, TRAINERS, member_required, role_required
from accounts.selectors import agent_for_user, scoped_get
from accounts.services import audit_record
from coaching import selectors, services
from coaching.models import CourseItem
from coaching.profiles import weakness_key
from config.errors import DomainError

EXPORTS = (
    "heatmap",
    "skills_weekly",
    "compliance_weekly",
    "compliance_agents",
    "rules",
    "checkpoints",
    "funnel",
    "courses",
    "weaknesses",
)


def _weeks(request) -> int:
    try:
        weeks = int(request.GET.get("weeks", selectors.DEFAULT_WEEKS))
    except ValueError:
        weeks = selectors.DEFAULT_WEEKS
    return weeks if weeks in (4, 12, 26, 52) else selectors.DEFAULT_WEEKS


def _csv(request, name: str, table: tuple[list, list]) -> HttpResponse:
    header, rows = table
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="peilian-{name}.csv"'
    response.write("\ufeff")  # spreadsheet programs read UTF-8 Chinese with the BOM
    writer = csv.writer(response)
    writer.writerow([str(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    audit_record(
        organisation=request.user.organisation,
        actor=request.user,
        action="dashboard.exported",
        target_type="dashboard",
        target_id=name,
        summary=f"{name}: {len(rows)} rows",
    )
    return response


# --- Dashboards ---------------------------------------------------------------------------
@role_required(*MANAGERS)
def manager_dashboard(request):
    weeks = _weeks(request)
    data = selectors.manager_dashboard(user=request.user, weeks=weeks)
    export = request.GET.get("export")
    if export:
        if export not in EXPORTS:
            raise Http404
        return _csv(request, export, data["tables"][export])
    return render(
        request,
        "coaching/manager.html",
        {**data, "exports": EXPORTS, "week_options": (4, 12, 26, 52)},
    )


@role_required(*STAFF)
def agents(request):
    """The agents behind a dashboard figure."""
    team = request.GET.get("team") or None
    skill = request.GET.get("skill") or None
    kind = request.GET.get("kind") or None
    code = request.GET.get("code") or None
    if kind and code:
        # a checkpoint tracked under its rule (profiles.SAME_PROBLEM) links to that weakness
        kind, code = weakness_key(kind, code)
    team_obj = None
    if team:
        try:
            team_obj = scoped_get(Team.objects.all(), request.user, pk=int(team))
        except ValueError as exc:
            raise Http404 from exc
    names = selectors.vocabulary_names(request.user.organisation_id)
    rows = selectors.agents_filtered(
        user=request.user,
        team=team_obj.pk if team_obj else None,
        skill=skill,
        kind=kind,
        code=code,
    )
    return render(
        request,
        "coaching/agents.html",
        {
            "rows": rows,
            "team": team_obj,
            "skill": skill,
            "skill_name": names["skill"].get(skill, skill) if skill else "",
            "kind": kind,
            "code": code,
            "code_name": names.get(kind, {}).get(code, code) if kind and code else "",
        },
    )


@role_required(*STAFF)
def agent_detail(request, pk):
    agent = agent_for_user(request.user, pk)
    context = selectors.agent_overview(agent=agent)
    context["conversations"] = selectors.agent_conversations(agent=agent)
    context["can_assign"] = request.user.role in TRAINERS
    context["default_due"] = (timezone.localdate() + timedelta(days=7)).isoformat()
    return render(request, "coaching/agent_detail.html", context)


@member_required
def conversation_link(request, pk):
    """Evidence links point here; it forwards to the conversation's own page."""
    conversation = selectors.conversation_for_link(user=request.user, pk=pk)
    try:
        return redirect(conversation.get_absolute_url())
    except Exception as exc:  # a page for this kind of conversation is not installed
        raise Http404 from exc


@role_required(*TRAINERS)
def trainer_desk(request):
    return render(request, "coaching/trainer.html", selectors.trainer_desk(user=request.user))


# --- Drills -------------------------------------------------------------------------------
@role_required(*STAFF)
def drill_list(request):
    return render(
        request,
        "coaching/drills.html",
        {
            "drills": selectors.drill_list(user=request.user),
            "can_sync": request.user.role in TRAINERS,
        },
    )


@require_POST
@role_required(*TRAINERS)
def drills_sync(request):
    result = services.drills_sync(organisation=request.user.organisation)
    messages.success(
        request,
        _("Drills are up to date: %(total)s drills, %(created)s new.")
        % {"total": result.get("total", 0), "created": result.get("created", 0)},
    )
    return redirect("coaching:drills")


@member_required
def drill_detail(request, pk):
    drill = selectors.drill_get(user=request.user, pk=pk)
    assigned = (
        request.user.role == Role.AGENT and drill.progress.filter(agent=request.user).exists()
    )
    done = assigned and not drill.progress.filter(agent=request.user, status="todo").exists()
    return render(
        request,
        "coaching/drill.html",
        {
            "drill": drill,
            "action": selectors.drill_action(drill),
            "assigned": assigned,
            "done": done,
            "targets": selectors.drill_target_names(drill),
        },
    )


@require_POST
@role_required(Role.AGENT)
def drill_studied(request, pk):
    drill = selectors.drill_get(user=request.user, pk=pk)
    try:
        services.progress_mark_drill_done(agent=request.user, drill=drill)
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("coaching:drill", pk=drill.pk)


# --- Courses ------------------------------------------------------------------------------
@member_required
def course_list(request):
    if request.method == "POST":
        if request.user.role not in TRAINERS:
            raise PermissionDenied
        try:
            course = services.course_create(
                organisation=request.user.organisation,
                actor=request.user,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                language=request.POST.get("language", "zh"),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("coaching:courses")
        return redirect(course)
    return render(
        request,
        "coaching/courses.html",
        {**selectors.courses_for(user=request.user), "can_build": request.user.role in TRAINERS},
    )


def _course_context(request, course):
    context = selectors.course_page(user=request.user, course=course)
    context["can_build"] = request.user.role in TRAINERS
    context["default_due"] = (timezone.localdate() + timedelta(days=14)).isoformat()
    context["today"] = timezone.localdate().isoformat()
    return context


@member_required
def course_detail(request, pk):
    course = selectors.course_get(user=request.user, pk=pk)
    if request.method == "POST":
        if request.user.role not in TRAINERS:
            raise PermissionDenied
        try:
            services.course_update(
                course=course,
                actor=request.user,
                title=request.POST.get("title", ""),
                description=request.POST.get("description", ""),
                language=request.POST.get("language", course.language),
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        return redirect(course)
    return render(request, "coaching/course.html", _course_context(request, course))


def _builder_response(request, course):
    context = _course_context(request, course)
    if request.htmx:
        return render(request, "coaching/_course_items.html", context)
    return redirect(course)


def _item(request, course, item_id) -> CourseItem:
    return get_object_or_404(CourseItem, course=course, pk=item_id)


@require_POST
@role_required(*TRAINERS)
def course_item_add(request, pk):
    course = selectors.course_get(user=request.user, pk=pk)
    kind, _sep, target = (request.POST.get("target") or "").partition(":")
    pass_mark = request.POST.get("pass_mark") or None
    try:
        services.course_item_add(
            course=course,
            actor=request.user,
            kind=kind,
            target_id=target,
            pass_mark=int(pass_mark) if pass_mark else None,
        )
    except (DomainError, ValueError) as exc:
        message = exc.message if isinstance(exc, DomainError) else _("Invalid pass mark.")
        if request.htmx:
            context = {**_course_context(request, course), "builder_error": message}
            return render(request, "coaching/_course_items.html", context)
        messages.error(request, message)
    return _builder_response(request, course)


@require_POST
@role_required(*TRAINERS)
def course_item_move(request, pk, item_id, direction):
    course = selectors.course_get(user=request.user, pk=pk)
    if direction not in ("up", "down"):
        raise Http404
    services.course_item_move(
        item=_item(request, course, item_id), actor=request.user, direction=direction
    )
    return _builder_response(request, course)


@require_POST
@role_required(*TRAINERS)
def course_item_remove(request, pk, item_id):
    course = selectors.course_get(user=request.user, pk=pk)
    services.course_item_remove(item=_item(request, course, item_id), actor=request.user)
    return _builder_response(request, course)


@require_POST
@role_required(Role.AGENT)
def course_item_studied(request, pk, item_id):
    course = selectors.course_get(user=request.user, pk=pk)
    item = _item(request, course, item_id)
    try:
        services.progress_mark_studied(agent=request.user, item=item)
    except DomainError as exc:
        messages.error(request, exc.message)
    context = _course_context(request, course)
    if request.htmx:
        return render(request, "coaching/_course_items.html", context)
    return redirect(course)


# --- Assignments --------------------------------------------------------------------------
def _due(value: str | None):
    """The end of the chosen day (local time); None when no date was given."""
    if not (value or "").strip():
        return None
    try:
        day = parse_date(value.strip())
    except ValueError:
        day = None
    if day is None:
        raise DomainError(_("Enter the due date as a date (YYYY-MM-DD)."), field="due_at")
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


# service field → the assign form's input
_FORM_FIELDS = {"due_at": "due", "agent": "to", "team": "to"}


@require_POST
@role_required(*TRAINERS)
def assignment_create(request):
    user = request.user
    course = drill = agent = team = None
    to_kind, _sep, to_id = (request.POST.get("to") or "").partition(":")
    try:
        if request.POST.get("course"):
            course = selectors.course_get(user=user, pk=int(request.POST["course"]))
        if request.POST.get("drill"):
            drill = selectors.drill_get(user=user, pk=int(request.POST["drill"]))
        if to_kind == "team":
            team = scoped_get(Team.objects.all(), user, pk=int(to_id))
        elif to_kind == "agent":
            agent = scoped_get(User.objects.filter(role=Role.AGENT), user, pk=int(to_id))
        assignment = services.assignment_create(
            organisation=user.organisation,
            actor=user,
            course=course,
            drill=drill,
            agent=agent,
            team=team,
            due_at=_due(request.POST.get("due")),
        )
    except (DomainError, ValueError) as exc:
        error = exc.message if isinstance(exc, DomainError) else _("Invalid request.")
        field = _FORM_FIELDS.get(exc.field) if isinstance(exc, DomainError) else None
        if request.htmx and course is not None:
            # the course page's assign form: show the error in place, keep what was chosen
            context = _course_context(request, course)
            context.update(
                assign_error=error,
                assign_error_field=field,
                assign_values={
                    "to_kind": to_kind,
                    "to_id": int(to_id) if to_id.isdigit() else None,
                    "due": request.POST.get("due", ""),
                },
            )
            return render(request, "coaching/_course_assign.html", context)
        messages.error(request, error)
    else:
        notice = _("Assigned “%(title)s”.") % {"title": assignment.title}
        if request.htmx and course is not None:
            context = {**_course_context(request, course), "assign_notice": notice}
            return render(request, "coaching/_course_assign.html", context)
        messages.success(request, notice)
    next_url = request.POST.get("next") or ""
    if next_url.startswith("/") and not next_url.startswith("//"):
        return redirect(next_url)
    return redirect(course or "coaching:trainer")


@member_required
def assignment_detail(request, pk):
    assignment = selectors.assignment_get(user=request.user, pk=pk)
    rows = selectors.assignment_progress(user=request.user, assignment=assignment)
    return render(
        request,
        "coaching/assignment.html",
        {"assignment": assignment, "rows": rows, "now": timezone.now()},
    )
