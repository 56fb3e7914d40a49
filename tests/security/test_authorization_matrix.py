"""The authorisation matrix: every URL × every role × own / other team / other organisation.

Generated from the URL conf. Each URL has an entry in ``TABLE`` saying which roles may use it and
which kind of object its parameters name; **a URL without an entry fails the test**, so nobody can
add a page or an endpoint without saying who may see it. Expected outcomes:

- anonymous: the login page (HTML) or 401 (API);
- a role the URL is not for: 403;
- another organisation's object: 404 (never 403: its existence is not confirmed);
- another team's agent data, for an agent or a manager: 404;
- otherwise: served (no 401/403/404, no server error).

A 200 where 403/404 is expected is a leak and fails the test.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import Role
from cases.models import Case, Scenario
from cases.services import annotation_add
from coaching import services as coaching
from coaching.models import Drill
from knowledge.models import Article, Product
from knowledge.seed import seed_content
from knowledge.services import rule_save
from practice import services as practice
from practice.calls import call_import
from practice.models import Scorecard
from practice.scoring.pipeline import scorecard_score
from tests.factories import TeamFactory, UserFactory
from tests.security.urlconf import routes

pytestmark = pytest.mark.django_db

ANON, AGENT, TRAINER, MANAGER, ADMIN = "anonymous", "agent", "trainer", "manager", "admin"
ROLES = (ANON, AGENT, MANAGER, TRAINER, ADMIN)
MEMBERS = {AGENT, TRAINER, MANAGER, ADMIN}
TRAINERS = {TRAINER, ADMIN}
MANAGERS = {MANAGER, ADMIN}
STAFF = {TRAINER, MANAGER, ADMIN}
PUBLIC = "public"  # anyone, signed in or not
SCOPES = ("own", "other_team", "other_org")

# Object kinds that belong to one agent: another team's are hidden from agents and managers.
AGENT_DATA = {"session", "call", "conversation", "agent", "assignment"}


@dataclass(frozen=True)
class Spec:
    method: str
    roles: set[str] | str
    obj: str | None = None


G, P = "GET", "POST"
TABLE: dict[str, Spec] = {
    # public or as designed
    "healthz": Spec(G, PUBLIC),
    "accounts:login": Spec(G, PUBLIC),
    "accounts:logout": Spec(P, PUBLIC),
    "set_language": Spec(P, PUBLIC),
    "javascript-catalog": Spec(G, PUBLIC),
    "api:auth-token": Spec(P, PUBLIC),
    # the API description holds no organisation data; integrators read it before they log in
    "api:schema": Spec(G, PUBLIC),
    "api:docs": Spec(G, PUBLIC),
    # accounts
    "home": Spec(G, MEMBERS),
    "accounts:audit": Spec(G, {ADMIN}),
    # knowledge
    "knowledge:home": Spec(G, MEMBERS),
    "knowledge:rules": Spec(G, MEMBERS),
    "knowledge:rule_create": Spec(G, TRAINERS),
    "knowledge:rule_edit": Spec(G, TRAINERS, "rule"),
    "knowledge:product_create": Spec(G, TRAINERS),
    "knowledge:product": Spec(G, MEMBERS, "product"),
    "knowledge:product_edit": Spec(G, TRAINERS, "product"),
    "knowledge:article_create": Spec(G, TRAINERS),
    "knowledge:article": Spec(G, MEMBERS, "article"),
    "knowledge:article_edit": Spec(G, TRAINERS, "article"),
    # cases and scenarios
    "cases:list": Spec(G, MEMBERS),
    "cases:create": Spec(G, TRAINERS),
    "cases:scenarios": Spec(G, MEMBERS),
    "cases:scenario_create": Spec(G, TRAINERS),
    "cases:scenario": Spec(G, MEMBERS, "scenario"),
    "cases:scenario_edit": Spec(G, TRAINERS, "scenario"),
    "cases:detail": Spec(G, MEMBERS, "case"),
    "cases:edit": Spec(G, TRAINERS, "case"),
    "cases:practise": Spec(P, TRAINERS, "case"),
    "cases:annotation_add": Spec(P, TRAINERS, "case"),
    "cases:annotation_remove": Spec(P, TRAINERS, "annotation"),
    # practice
    "practice:start": Spec(P, MEMBERS, "scenario"),
    "practice:sessions": Spec(G, MEMBERS),
    "practice:session": Spec(G, MEMBERS, "session"),
    "practice:say": Spec(P, MEMBERS, "session"),
    "practice:reply_stream": Spec(G, MEMBERS, "session"),
    "practice:reply_retry": Spec(P, MEMBERS, "session"),
    "practice:panel": Spec(G, MEMBERS, "session"),
    "practice:finish": Spec(P, MEMBERS, "session"),
    "practice:close": Spec(P, MEMBERS, "session"),
    "practice:results": Spec(G, MEMBERS, "session"),
    "practice:scorecard_rerun": Spec(P, TRAINERS, "scorecard"),
    "practice:calls": Spec(G, STAFF),
    "practice:call_upload": Spec(G, STAFF),
    "practice:call": Spec(G, MEMBERS, "call"),
    "practice:review_queue": Spec(G, TRAINERS),
    "practice:agreement": Spec(G, TRAINERS),
    "practice:review": Spec(G, TRAINERS, "scorecard"),
    "practice:review_criterion": Spec(P, TRAINERS, "criterion"),
    "practice:review_finding": Spec(P, TRAINERS, "finding"),
    "practice:review_finding_add": Spec(P, TRAINERS, "scorecard"),
    "practice:review_complete": Spec(P, TRAINERS, "scorecard"),
    # coaching
    "coaching:manager": Spec(G, MANAGERS),
    "coaching:agents": Spec(G, STAFF),
    "coaching:agent": Spec(G, STAFF, "agent"),
    "coaching:conversation": Spec(G, MEMBERS, "conversation"),
    "coaching:trainer": Spec(G, TRAINERS),
    "coaching:drills": Spec(G, STAFF),
    "coaching:drills_sync": Spec(P, TRAINERS),
    "coaching:drill": Spec(G, MEMBERS, "drill"),
    "coaching:drill_studied": Spec(P, {AGENT}, "drill"),
    "coaching:courses": Spec(G, MEMBERS),
    "coaching:course": Spec(G, MEMBERS, "course"),
    "coaching:course_item_add": Spec(P, TRAINERS, "course"),
    "coaching:course_item_move": Spec(P, TRAINERS, "course_item"),
    "coaching:course_item_remove": Spec(P, TRAINERS, "course_item"),
    "coaching:course_item_studied": Spec(P, {AGENT}, "course_item"),
    "coaching:assignment_create": Spec(P, TRAINERS),
    "coaching:assignment": Spec(G, MEMBERS, "assignment"),
    # API v1
    "api:agent-list": Spec(G, MEMBERS),
    "api:knowledge-search": Spec(G, MEMBERS),
    "api:compliance-rule-list": Spec(G, MEMBERS),
    "api:product-list": Spec(G, MEMBERS),
    "api:product-detail": Spec(G, MEMBERS, "product"),
    "api:scenario-list": Spec(G, MEMBERS),
    "api:scenario-detail": Spec(G, MEMBERS, "scenario_id"),
    "api:case-list": Spec(G, MEMBERS),
    "api:case-detail": Spec(G, MEMBERS, "case"),
    "api:session-create": Spec(P, MEMBERS),
    "api:session-detail": Spec(G, MEMBERS, "session"),
    "api:session-turns": Spec(P, MEMBERS, "session"),
    "api:session-finish": Spec(P, MEMBERS, "session"),
    "api:session-scorecard": Spec(G, MEMBERS, "session"),
    "api:call-create": Spec(P, STAFF),
    "api:call-detail": Spec(G, MEMBERS, "call"),
    "api:call-scorecard": Spec(G, MEMBERS, "call"),
    "api:agent-skills": Spec(G, MEMBERS, "agent"),
    "api:agent-weaknesses": Spec(G, MEMBERS, "agent"),
    "api:course-list": Spec(G, MEMBERS),
    "api:course-detail": Spec(G, MEMBERS, "course"),
    "api:assignment-list": Spec(G, MEMBERS),
    "api:assignment-progress": Spec(G, MEMBERS, "assignment"),
}
# URLs that change the caller's own session: each request gets a client of its own.
STATEFUL = {"accounts:logout", "set_language"}

# Cells with a known defect, each pinned by its own strict xfail test; empty when none.
KNOWN_DEFECTS: set[tuple[str, str, str]] = set()

# Django's admin is for platform staff (is_staff), which no organisation role has; every admin
# URL goes through the same admin_view gate, checked below on two of them.
ADMIN_SITE = "admin:"

TURNS = [
    {"speaker": "agent", "text": "您好，我是安澜人寿的顾问李明，工号A12345。"},
    {"speaker": "customer", "text": "你好。"},
    {"speaker": "agent", "text": "这款产品稳赚不赔，收益是保证的，年化8%。"},
    {"speaker": "customer", "text": "真的吗？"},
]


class World:
    """Objects of every kind in three places: the caller's team, another team, another org."""

    def __init__(self, org, other_org, trainer, outsider_trainer):
        self.users = {}
        self.objects: dict[str, dict[str, dict]] = {}
        self.factories = {}
        team = TeamFactory(organisation=org, name="Team A1")
        other_team = TeamFactory(organisation=org, name="Team A2")
        team_b = TeamFactory(organisation=other_org, name="Team B1")
        agent = UserFactory(username="agent_a", organisation=org, team=team, role=Role.AGENT)
        agent2 = UserFactory(username="agent_a2", organisation=org, team=other_team)
        agent_b = UserFactory(username="agent_b", organisation=other_org, team=team_b)
        manager = UserFactory(username="manager_a", organisation=org, role=Role.MANAGER)
        team.managers.add(manager)
        admin = UserFactory(username="admin_a", organisation=org, role=Role.ADMIN)
        self.users = {AGENT: agent, MANAGER: manager, TRAINER: trainer, ADMIN: admin}
        agents = {"own": agent, "other_team": agent2, "other_org": agent_b}
        trainers = {"own": trainer, "other_team": trainer, "other_org": outsider_trainer}
        orgs = {"own": org, "other_team": org, "other_org": other_org}

        # content: org B has its own copy of the seed content under other keys
        def first(model, scope, **lookup):
            return model.objects.filter(organisation=orgs[scope], **lookup).order_by("pk").first()

        def b_only(model, field, value, **lookup):
            obj = first(model, "other_org", **lookup)
            setattr(obj, field, value)
            obj.save(update_fields=[field])
            return obj

        product = {s: first(Product, s) for s in ("own", "other_team")}
        product["other_org"] = b_only(Product, "code", "b-only-product")
        article = {s: first(Article, s) for s in ("own", "other_team")}
        article["other_org"] = b_only(Article, "slug", "b-only-article")
        case = {s: first(Case, s) for s in ("own", "other_team")}
        case["other_org"] = b_only(Case, "slug", "b-only-case")
        scenario = {s: first(Scenario, s, language="zh") for s in ("own", "other_team")}
        scenario["other_org"] = b_only(Scenario, "code", "b-only-scenario", language="zh")
        rule_record = {
            "code": "own-rule",
            "severity": "general",
            "title_zh": "自定义规则",
            "title_en": "Own rule",
            "basis": "内部规定",
            "description_zh": "说明",
            "description_en": "Description",
            "violating_examples": ["这个不用看条款"],
            "compliant_examples": ["请您看一下条款"],
        }
        rule_a = rule_save(organisation=org, data=rule_record, actor=trainer)
        rule_b = rule_save(
            organisation=other_org, data={**rule_record, "code": "b-only-rule"}, actor=None
        )
        rule = {"own": rule_a, "other_team": rule_a, "other_org": rule_b}

        session, call, scorecard, course, drill, assignment = {}, {}, {}, {}, {}, {}
        for s in SCOPES:
            conv = practice.session_start(user=agents[s], scenario=scenario[s])
            practice.turn_take(conversation=conv, user=agents[s], text="您好，孩子多大了？")
            session[s] = conv
            imported = call_import(
                organisation=orgs[s],
                actor=trainers[s],
                title="call",
                language="zh",
                turns=TURNS,
                agent_username=agents[s].username,
            )
            call[s] = imported
            scorecard[s] = scorecard_score(
                scorecard_id=Scorecard.objects.get(conversation=imported).pk
            )
        for s in ("own", "other_org"):
            course[s] = coaching.course_create(
                organisation=orgs[s], actor=trainers[s], title="课程"
            )
            coaching.course_item_add(
                course=course[s], actor=trainers[s], kind="article", target_id=article[s].pk
            )
            coaching.drills_sync(organisation=orgs[s])
            drill[s] = Drill.objects.filter(organisation=orgs[s]).first()
        course["other_team"], drill["other_team"] = course["own"], drill["own"]
        for s in SCOPES:
            assignment[s] = coaching.assignment_create(
                organisation=orgs[s],
                actor=trainers[s],
                course=course[s],
                agent=agents[s],
                due_at=timezone.now() + timezone.timedelta(days=7),
            )

        def each(fn):
            return {s: fn(s) for s in SCOPES}

        self.objects = {
            "session": each(lambda s: {"pk": session[s].pk}),
            "conversation": each(lambda s: {"pk": session[s].pk}),
            "call": each(lambda s: {"pk": call[s].pk}),
            "scorecard": each(lambda s: {"pk": scorecard[s].pk}),
            "criterion": each(
                lambda s: {"pk": scorecard[s].pk, "item_id": scorecard[s].criteria.first().pk}
            ),
            "finding": each(
                lambda s: {"pk": scorecard[s].pk, "item_id": scorecard[s].findings.first().pk}
            ),
            "agent": each(lambda s: {"pk": agents[s].pk}),
            "product": each(lambda s: {"code": product[s].code}),
            "article": each(lambda s: {"slug": article[s].slug}),
            "rule": each(lambda s: {"code": rule[s].code}),
            "case": each(lambda s: {"slug": case[s].slug}),
            "scenario": each(lambda s: {"code": scenario[s].code}),
            "scenario_id": each(lambda s: {"pk": scenario[s].pk}),
            "course": each(lambda s: {"pk": course[s].pk}),
            "drill": each(lambda s: {"pk": drill[s].pk}),
            "assignment": each(lambda s: {"pk": assignment[s].pk}),
        }

        # removals need a fresh object for every request
        def fresh_annotation(s):
            annotation = annotation_add(
                case=case[s], turn_index=0, kind="good", comment="好的开场", actor=trainers[s]
            )
            return {"slug": case[s].slug, "annotation_id": annotation.pk}

        def fresh_course_item(s):
            # a course holds an article only once: each fresh item is another article
            used = course[s].items.values_list("article_id", flat=True)
            others = Article.objects.filter(organisation=orgs[s]).exclude(pk__in=used)
            target = others.order_by("pk").first()
            item = coaching.course_item_add(
                course=course[s], actor=trainers[s], kind="article", target_id=target.pk
            )
            return {"pk": course[s].pk, "item_id": item.pk, "direction": "up"}

        self.factories = {"annotation": fresh_annotation, "course_item": fresh_course_item}

    def kwargs(self, obj: str, scope: str) -> dict:
        if obj in self.factories:
            return self.factories[obj](scope)
        return self.objects[obj][scope]


def expected(spec: Spec, role: str, scope: str, api: bool) -> set[str]:
    if spec.roles == PUBLIC:
        return {"served", "unauthenticated", "forbidden", "not_found", "method not allowed"}
    if role == ANON:
        return {"unauthenticated"}
    if role not in spec.roles:
        return {"forbidden"} if scope != "other_org" else {"forbidden", "not_found"}
    if scope == "other_org":
        return {"not_found"}
    if scope == "other_team" and spec.obj in AGENT_DATA and role in (AGENT, MANAGER):
        return {"not_found"}
    return {"served"}


def outcome(response, api: bool) -> str:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status in (401,) or (status == 302 and "/accounts/login/" in response.get("Location", "")):
        return "unauthenticated"
    if status == 403:
        # DRF answers 403 to anonymous callers when no authenticator offers a challenge
        return "forbidden"
    if status == 404:
        return "not_found"
    if status == 405:
        return "method not allowed"
    return "served"


def test_every_url_is_in_the_table():
    names = {route.name for route in routes() if not route.name.startswith(ADMIN_SITE)}
    missing = sorted(names - set(TABLE))
    assert not missing, f"URLs without an authorisation entry (add them to TABLE): {missing}"
    stale = sorted(set(TABLE) - names)
    assert not stale, f"TABLE entries for URLs that no longer exist: {stale}"


def test_authorization_matrix(org, other_org, trainer, outsider_trainer, settings):
    seed_content(organisation=org)
    seed_content(organisation=other_org)
    world = World(org, other_org, trainer, outsider_trainer)
    tokens = {role: Token.objects.create(user=user).key for role, user in world.users.items()}
    clients = {ANON: Client()}
    for role, user in world.users.items():
        clients[role] = Client()
        clients[role].force_login(user)

    problems, cells = [], 0
    for route in routes():
        if route.name.startswith(ADMIN_SITE):
            continue
        spec = TABLE[route.name]
        scopes = SCOPES if spec.obj else ("own",)
        for role, scope in itertools.product(ROLES, scopes):
            kwargs = world.kwargs(spec.obj, scope) if spec.obj else {}
            url = route.url(**kwargs)
            headers = {}
            if route.is_api and role != ANON:
                client = Client()  # token auth, as API clients do
                headers["HTTP_AUTHORIZATION"] = f"Token {tokens[role]}"
            elif route.name in STATEFUL:
                client = Client()  # a logout or a language switch must not touch the others
                if role != ANON:
                    client.force_login(world.users[role])
            else:
                client = clients[role]
            if spec.method == P:
                response = client.post(url, {}, **headers)
            else:
                response = client.get(url, **headers)
            got = outcome(response, route.is_api)
            if route.is_api and role == ANON and got == "forbidden":
                got = "unauthenticated"
            want = expected(spec, role, scope, route.is_api)
            if (route.name, role, scope) in KNOWN_DEFECTS:
                continue
            cells += 1
            if got not in want:
                problems.append(
                    f"{route.name:32} {role:9} {scope:10} {spec.method} {url} -> "
                    f"{response.status_code} ({got}), expected {sorted(want)}"
                )
    assert cells > 500
    assert not problems, f"{len(problems)} of {cells} cells wrong:\n" + "\n".join(problems)


def test_admin_site_is_closed_to_organisation_roles(org, trainer, org_admin, manager, agent):
    for user in (None, agent, trainer, manager, org_admin):
        client = Client()
        if user is not None:
            client.force_login(user)
        for url in ("/admin/", "/admin/accounts/user/", f"/admin/accounts/user/{agent.pk}/change/"):
            response = client.get(url)
            assert response.status_code == 302, (user, url)
            assert response["Location"].startswith("/admin/login/")


def test_manager_cannot_open_another_teams_assignment(
    seeded_org, trainer, manager, agent_other_team
):
    course = coaching.course_create(organisation=seeded_org, actor=trainer, title="课程")
    article = Article.objects.filter(organisation=seeded_org).first()
    coaching.course_item_add(course=course, actor=trainer, kind="article", target_id=article.pk)
    assignment = coaching.assignment_create(
        organisation=seeded_org, actor=trainer, course=course, agent=agent_other_team
    )
    client = Client()
    client.force_login(manager)
    page = client.get(f"/assignments/{assignment.pk}/")
    api = client.get(f"/api/v1/assignments/{assignment.pk}/progress/")
    assert (page.status_code, api.status_code) == (404, 404)
