"""Knowledge pages: search, products, articles, the compliance catalogue and trainer forms.

Views parse the request, call one selector or service and render. An htmx request for the
search results or the article list gets the partial of the same page; without htmx the full
page renders, so every link and filter also works as a plain GET.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.permissions import TRAINERS, member_required, role_required
from cases.models import Outcome
from knowledge import forms, selectors, services
from knowledge.models import ArticleKind, Language, ObjectionType, Skill
from knowledge.search.service import search_knowledge
from knowledge.validation import BundleError

SEARCH_PAGE_RESULTS = 12


def _search(request, products: list) -> dict:
    form = forms.SearchForm(request.GET)
    form.is_valid()
    query = (form.cleaned_data.get("q") or "").strip()
    product = form.cleaned_data.get("product") or ""
    kind = form.cleaned_data.get("kind") or ""
    names = {p.code: p.name for p in products}
    results = []
    capped = False
    query_error = ""
    max_chars = forms.SearchForm.base_fields["q"].max_length
    if "q" in form.errors:
        # Said rather than silently dropped; the typed text stays in the box to be shortened.
        query = (form.data.get("q") or "").strip()
        query_error = _("The search is too long: use at most %(max)d characters.") % {
            "max": max_chars
        }
    elif query:
        # One more than shown tells whether the list was cut.
        found = search_knowledge(
            organisation=request.user.organisation,
            query=query,
            product=product or None,
            kind=kind or None,
            limit=SEARCH_PAGE_RESULTS + 1,
        )
        results = [
            {"hit": hit, "product_name": names.get(hit.product or "", "")}
            for hit in found[:SEARCH_PAGE_RESULTS]
        ]
        capped = len(found) > SEARCH_PAGE_RESULTS
    return {
        "q": query,
        "q_max_chars": max_chars,
        "query_error": query_error,
        "results_capped": capped,
        "product": product,
        "kind": kind,
        "results": results,
        "search_form": form,
    }


def _article_filters(request) -> dict:
    return {
        "a_kind": request.GET.get("a_kind", ""),
        "language": request.GET.get("language", ""),
        "skill": request.GET.get("skill", ""),
        "objection": request.GET.get("objection", ""),
    }


@member_required
def knowledge_home(request):
    products = list(selectors.product_list(user=request.user))
    search = _search(request, products)
    filters = _article_filters(request)
    context = {
        **search,
        "filters": filters,
        "products": products,
        "search_kinds": forms.SearchForm.base_fields["kind"].choices,
    }
    if request.htmx and request.htmx.target == "search-results":
        return render(request, "knowledge/_search_results.html", context)
    context["articles"] = selectors.article_list(
        user=request.user,
        kind=filters["a_kind"],
        language=filters["language"],
        skill=filters["skill"],
        objection_type=filters["objection"],
    )
    context["article_kinds"] = ArticleKind.choices
    context["languages"] = Language.choices
    context["skills"] = list(Skill.objects.all())
    context["objection_types"] = ObjectionType.choices
    if request.htmx and request.htmx.target == "article-list":
        return render(request, "knowledge/_article_list.html", context)
    return render(request, "knowledge/home.html", context)


@member_required
def product_detail(request, code: str):
    product = selectors.product_get(user=request.user, code=code)
    articles = product.articles.order_by("kind", "title")
    cases = product.cases.order_by("title")
    scenarios = product.scenarios.filter(is_active=True).order_by("difficulty", "title")
    return render(
        request,
        "knowledge/product.html",
        {
            "product": product,
            "clauses": selectors.product_clauses(product=product),
            "articles": articles,
            "cases": cases,
            "scenarios": scenarios,
            "outcomes": dict(Outcome.choices),
        },
    )


@member_required
def article_detail(request, slug: str):
    article = selectors.article_get(user=request.user, slug=slug)
    return render(request, "knowledge/article.html", {"article": article})


@member_required
def rule_list(request):
    return render(
        request, "knowledge/rules.html", {"rules": selectors.rule_list(user=request.user)}
    )


# --- Trainer forms ------------------------------------------------------------------------
def _form_page(request, template: str, form, **context):
    return render(request, template, {"form": form, **context})


@role_required(*TRAINERS)
def product_edit(request, code: str | None = None):
    product = selectors.product_get(user=request.user, code=code) if code else None
    if request.method == "POST":
        form = forms.ProductForm(request.POST, editing=product is not None)
        if form.is_valid():
            record = form.to_record()
            if record is not None:
                try:
                    saved = services.product_save(
                        organisation=request.user.organisation,
                        data=record,
                        actor=request.user,
                        product=product,
                    )
                except BundleError as error:
                    forms.add_bundle_errors(form, error)
                else:
                    messages.success(request, _("Product saved."))
                    return redirect(saved.get_absolute_url())
    else:
        initial = {}
        if product is not None:
            initial = forms.ProductForm.initial_from(
                selectors.product_record(product, clauses=product.clauses.order_by("order", "id"))
            )
        form = forms.ProductForm(initial=initial, editing=product is not None)
    return _form_page(request, "knowledge/product_form.html", form, product=product)


@role_required(*TRAINERS)
def article_edit(request, slug: str | None = None):
    article = selectors.article_get(user=request.user, slug=slug) if slug else None
    products = selectors.product_list(user=request.user)
    if request.method == "POST":
        form = forms.ArticleForm(request.POST, products=products, editing=article is not None)
        if form.is_valid():
            try:
                saved = services.article_save(
                    organisation=request.user.organisation,
                    data=form.to_record(),
                    actor=request.user,
                    article=article,
                )
            except BundleError as error:
                forms.add_bundle_errors(form, error)
            else:
                messages.success(request, _("Article saved."))
                return redirect(saved.get_absolute_url())
    else:
        initial = (
            selectors.article_record(article)
            if article
            else {"language": "zh", "kind": "knowledge"}
        )
        form = forms.ArticleForm(initial=initial, products=products, editing=article is not None)
    return _form_page(request, "knowledge/article_form.html", form, article=article)


@role_required(*TRAINERS)
def rule_edit(request, code: str | None = None):
    rule = None
    if code:
        rule = selectors.rule_get_for_edit(user=request.user, code=code)
        if rule.is_builtin:
            raise Http404
    if request.method == "POST":
        form = forms.RuleForm(request.POST, editing=rule is not None)
        if form.is_valid():
            try:
                services.rule_save(
                    organisation=request.user.organisation,
                    data=form.to_record(),
                    actor=request.user,
                    rule=rule,
                )
            except BundleError as error:
                forms.add_bundle_errors(form, error)
            else:
                messages.success(request, _("Rule saved."))
                return redirect("knowledge:rules")
    else:
        initial = (
            forms.RuleForm.initial_from(selectors.rule_record(rule))
            if rule
            else {"severity": "general"}
        )
        form = forms.RuleForm(initial=initial, editing=rule is not None)
    return _form_page(request, "knowledge/rule_form.html", form, rule=rule)
