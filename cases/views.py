"""Case library and scenario catalogue pages, and the trainer forms behind them.

Views parse, call one selector or service, and render. Filters and annotation edits answer an
htmx request with the partial of the same page; without htmx they work as plain GET/POST.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.permissions import TRAINERS, member_required, role_required
from cases import selectors, services
from cases.forms import AnnotationForm, CaseForm, ScenarioForm
from cases.models import Difficulty, Outcome
from config.errors import DomainError
from knowledge.forms import add_bundle_errors
from knowledge.models import Checkpoint, Language, ObjectionType, Skill
from knowledge.selectors import product_list, rule_list
from knowledge.validation import BundleError


def _filters(request, names: tuple[str, ...]) -> dict:
    return {name: request.GET.get(name, "") for name in names}


# --- Case library -------------------------------------------------------------------------
@member_required
def case_list(request):
    filters = _filters(request, ("product", "skill", "objection", "outcome", "language"))
    cases = selectors.case_list(
        user=request.user,
        product=filters["product"],
        skill=filters["skill"],
        objection_type=filters["objection"],
        outcome=filters["outcome"],
        language=filters["language"],
    )
    context = {"cases": cases, "filters": filters}
    if request.htmx and request.htmx.target == "case-list":
        return render(request, "cases/_case_list.html", context)
    context.update(
        products=product_list(user=request.user),
        skills=Skill.objects.all(),
        objection_types=ObjectionType.choices,
        outcomes=Outcome.choices,
        languages=Language.choices,
    )
    return render(request, "cases/list.html", context)


def _case_context(request, case, form=None) -> dict:
    return {
        "case": case,
        "turns": list(case.turns.all()),
        "annotation_form": form or AnnotationForm(rules=rule_list(user=request.user)),
        "scenarios": selectors.case_related_scenarios(case=case),
    }


@member_required
def case_detail(request, slug: str):
    case = selectors.case_get(user=request.user, slug=slug)
    return render(request, "cases/detail.html", _case_context(request, case))


@role_required(*TRAINERS)
def case_edit(request, slug: str | None = None):
    case = selectors.case_get(user=request.user, slug=slug) if slug else None
    products = product_list(user=request.user)
    if request.method == "POST":
        form = CaseForm(request.POST, products=products, editing=case is not None)
        if form.is_valid():
            record = form.to_record()
            if record is not None:
                try:
                    saved = services.case_save(
                        organisation=request.user.organisation,
                        data=record,
                        actor=request.user,
                        case=case,
                    )
                except BundleError as error:
                    add_bundle_errors(form, error)
                else:
                    messages.success(request, _("Case saved."))
                    return redirect(saved.get_absolute_url())
    else:
        initial = {"language": "zh", "outcome": "won"}
        if case is not None:
            initial = CaseForm.initial_from(selectors.case_record(case, with_annotations=False))
        form = CaseForm(initial=initial, products=products, editing=case is not None)
    return render(request, "cases/case_form.html", {"form": form, "case": case})


def _transcript_response(request, case, form=None):
    case = selectors.case_get(user=request.user, slug=case.slug)
    if request.htmx:
        return render(request, "cases/_transcript.html", _case_context(request, case, form))
    return redirect(case.get_absolute_url())


@role_required(*TRAINERS)
@require_POST
def annotation_add(request, slug: str):
    case = selectors.case_get(user=request.user, slug=slug)
    form = AnnotationForm(request.POST, rules=rule_list(user=request.user))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.annotation_add(
                case=case,
                turn_index=data["turn"],
                kind=data["kind"],
                comment=data["comment"],
                skill=data["skill"] or None,
                rule=data["rule"] or None,
                actor=request.user,
            )
        except DomainError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            return _transcript_response(request, case)
    if request.htmx:
        return _transcript_response(request, case, form)
    return render(request, "cases/detail.html", _case_context(request, case, form), status=400)


@role_required(*TRAINERS)
@require_POST
def annotation_remove(request, slug: str, annotation_id: int):
    case = selectors.case_get(user=request.user, slug=slug)
    try:
        services.annotation_remove(case=case, annotation_id=annotation_id, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
    return _transcript_response(request, case)


@role_required(*TRAINERS)
def case_practise(request, slug: str):
    """ "Practise this case": draft a scenario from the case, then open it for editing."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    case = selectors.case_get(user=request.user, slug=slug)
    try:
        scenario = services.scenario_create_from_case(case=case, actor=request.user)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(case.get_absolute_url())
    messages.success(
        request, _("A scenario was drafted from this case. Check the persona and save.")
    )
    return redirect("cases:scenario_edit", code=scenario.code)


# --- Scenarios ----------------------------------------------------------------------------
@member_required
def scenario_list(request):
    filters = _filters(request, ("language", "difficulty", "product", "kind"))
    scenarios = selectors.scenario_list(
        user=request.user,
        language=filters["language"],
        difficulty=filters["difficulty"],
        product=filters["product"],
        include_inactive=request.user.is_trainer,
        micro_drills=filters["kind"] == "micro",
    )
    context = {"scenarios": scenarios, "filters": filters}
    if request.htmx and request.htmx.target == "scenario-list":
        return render(request, "cases/_scenario_list.html", context)
    context.update(
        products=product_list(user=request.user),
        difficulties=Difficulty.choices,
        languages=Language.choices,
    )
    return render(request, "cases/scenarios.html", context)


@member_required
def scenario_detail(request, code: str):
    scenario = selectors.scenario_get(user=request.user, code=code)
    if not scenario.is_active and not request.user.is_trainer:
        raise Http404
    checkpoints = {c.code: c for c in Checkpoint.objects.all()}
    stages = [
        {
            "stage": stage,
            "checkpoints": [checkpoints.get(code) or code for code in stage.get("checkpoints", [])],
        }
        for stage in scenario.sop or []
    ]
    skills = {s.code: s for s in Skill.objects.all()}
    criteria = [
        {**c, "skill_obj": skills.get(c.get("skill"))} for c in scenario.rubric.criteria or []
    ]
    return render(
        request,
        "cases/scenario.html",
        {
            "scenario": scenario,
            "brief": selectors.scenario_brief(scenario),
            "stages": stages,
            "criteria": criteria,
        },
    )


@role_required(*TRAINERS)
def scenario_edit(request, code: str | None = None):
    scenario = selectors.scenario_get(user=request.user, code=code) if code else None
    products = product_list(user=request.user)
    if request.method == "POST":
        form = ScenarioForm(request.POST, products=products, editing=scenario is not None)
        if form.is_valid():
            from_case = scenario.source_case.slug if scenario and scenario.source_case_id else None
            record = form.to_record(from_case=from_case)
            if record is not None:
                try:
                    saved = services.scenario_save(
                        organisation=request.user.organisation,
                        data=record,
                        actor=request.user,
                        scenario=scenario,
                    )
                except BundleError as error:
                    form.add_errors(error)
                else:
                    messages.success(request, _("Scenario saved."))
                    return redirect(saved.get_absolute_url())
    else:
        initial = {"language": "zh", "difficulty": "medium", "temperament": "cautious"}
        if scenario is not None:
            initial = ScenarioForm.initial_from(selectors.scenario_record(scenario))
        form = ScenarioForm(initial=initial, products=products, editing=scenario is not None)
    return render(request, "cases/scenario_form.html", {"form": form, "scenario": scenario})
