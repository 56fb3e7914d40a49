"""Shared fixtures: tenants and users, a real Celery worker process, the fake LLM server,
and a Playwright browser on Debian's chromium."""

import contextlib
import os
import re
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Role
from tests.factories import PASSWORD, OrganisationFactory, TeamFactory, UserFactory
from tests.fakes.fixtures import fake_openai  # noqa: F401  (fixture)

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
EVAL_DIR = ROOT.parent / "shared" / "eval"


# --- Tenants ------------------------------------------------------------------------------
@pytest.fixture
def org(db):
    return OrganisationFactory(slug="org-a", name="Org A")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(slug="org-b", name="Org B")


@pytest.fixture
def team(org):
    return TeamFactory(organisation=org, name="Team A1")


@pytest.fixture
def other_team(org):
    return TeamFactory(organisation=org, name="Team A2")


@pytest.fixture
def agent(org, team):
    return UserFactory(username="agent_a", organisation=org, team=team, role=Role.AGENT)


@pytest.fixture
def agent_other_team(org, other_team):
    return UserFactory(username="agent_a2", organisation=org, team=other_team, role=Role.AGENT)


@pytest.fixture
def trainer(org):
    return UserFactory(username="trainer_a", organisation=org, role=Role.TRAINER)


@pytest.fixture
def manager(org, team):
    user = UserFactory(username="manager_a", organisation=org, role=Role.MANAGER)
    team.managers.add(user)
    return user


@pytest.fixture
def org_admin(org):
    return UserFactory(username="admin_a", organisation=org, role=Role.ADMIN)


@pytest.fixture
def outsider(other_org):
    return UserFactory(username="agent_b", organisation=other_org, role=Role.AGENT)


@pytest.fixture
def outsider_trainer(other_org):
    return UserFactory(username="trainer_b", organisation=other_org, role=Role.TRAINER)


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Skills, checkpoints and built-in rules come from a data migration, which a transactional
    test's flush erases: put them back for every test that uses the database."""
    uses_db = request.node.get_closest_marker("django_db") or {
        "db",
        "transactional_db",
        "live_server",
    } & set(request.fixturenames)
    if not uses_db:
        return
    request.getfixturevalue("django_db_setup")
    with request.getfixturevalue("django_db_blocker").unblock():
        from knowledge.models import Skill
        from knowledge.vocabulary import vocabularies_ensure

        if not Skill.objects.exists():
            vocabularies_ensure()


@pytest.fixture
def password():
    return PASSWORD


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


def client_for(user):
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def login():
    return client_for


# --- A real Celery worker -----------------------------------------------------------------
def _worker_env() -> dict:
    env = dict(os.environ)
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DATABASE_NAME"] = str(settings.DATABASES["default"]["NAME"])
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL
    env.setdefault("PEILIAN_VAR_DIR", str(settings.VAR_DIR))
    env["PYTHONUNBUFFERED"] = "1"
    return env


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real ``celery worker`` subprocess on the configured broker and the test database."""
    from config.celery import app

    # Messages left over from an earlier run would reach this worker.
    with django_db_blocker.unblock(), contextlib.suppress(Exception):
        app.control.purge()
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    log = open(log_path, "w")  # noqa: SIM115 (kept open for the subprocess)
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            "-Q",
            "realtime,scoring,bulk",
            "--concurrency",
            "2",
            "--pool",
            "prefork",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"test-{uuid.uuid4().hex[:6]}@%h",
        ],
        cwd=ROOT,
        env=_worker_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("celery worker exited:\n" + log_path.read_text())
        if "ready." in log_path.read_text():
            break
        time.sleep(0.2)
    else:
        process.kill()
        raise RuntimeError("celery worker did not become ready:\n" + log_path.read_text())
    process.log_path = log_path
    yield process
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


_TASK_RECEIVED = re.compile(r"Task [\w.]+\[([0-9a-f-]+)\] received")
_TASK_FINISHED = re.compile(r"Task [\w.]+\[([0-9a-f-]+)\] (?:succeeded|failed|raised|retry)")


def worker_settle(log_path: Path, *, timeout: float = 20.0, quiet: float = 0.6) -> bool:
    """Wait until the worker has finished every task it received and its log has been quiet
    for ``quiet`` seconds: follow-up tasks (coaching updates after a scorecard) must not write
    while the test's database is being flushed. False if it is still busy after ``timeout``."""
    deadline = time.monotonic() + timeout
    last_size, quiet_since = -1, time.monotonic()
    while time.monotonic() < deadline:
        text = log_path.read_text(errors="replace")
        if len(text) != last_size:
            last_size, quiet_since = len(text), time.monotonic()
        pending = set(_TASK_RECEIVED.findall(text)) - set(_TASK_FINISHED.findall(text))
        if not pending and time.monotonic() - quiet_since >= quiet:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def celery_worker_process(_celery_worker_session):
    """The suite's shared worker, for one test. Set up after the test's database (pytest-django's
    autouse fixtures come first), so it is torn down before the flush: it waits until the worker
    has settled, and the tasks a test set off do not race the flush of the next one."""
    yield _celery_worker_session
    worker_settle(_celery_worker_session.log_path)


def wait_for(predicate, *, timeout: float = 20.0, interval: float = 0.1):
    """Poll ``predicate`` until it returns something truthy, or fail after ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


# --- Browser ------------------------------------------------------------------------------
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's chromium; under CI its absence is a failure, not a skip."""
    if Path(CHROMIUM).exists():
        return
    if os.environ.get("CI", "").lower() == "true":
        return  # the browser fixture fails loudly
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} not installed (apt-get install chromium fonts-noto-cjk)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is required for browser tests (apt-get install chromium fonts-noto-cjk)"
        )
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1360, "height": 900}, locale="zh-CN")
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def browser_login(page, live_server, username: str, password: str = PASSWORD):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("networkidle")


@pytest.fixture
def eval_dir():
    if not EVAL_DIR.exists():
        pytest.skip(
            f"evaluation data not found at {EVAL_DIR} (it lives in ../shared/eval beside the checkout)"
        )
    return EVAL_DIR


def pytest_sessionfinish(session, exitstatus):
    shutil.rmtree(ROOT / "var" / "test" / "broker" / "processed", ignore_errors=True)


# --- Content ------------------------------------------------------------------------------
@pytest.fixture
def seeded_org(org):
    """``org`` with the full seed content (products, rules, articles, cases, scenarios)."""
    from knowledge.seed import seed_content

    seed_content(organisation=org)
    return org


@pytest.fixture
def scenario_zh(seeded_org):
    from cases.models import Scenario

    return (
        Scenario.objects.filter(organisation=seeded_org, language="zh")
        .select_related("product")
        .first()
    )


@pytest.fixture
def scenario_en(seeded_org):
    from cases.models import Scenario

    return (
        Scenario.objects.filter(organisation=seeded_org, language="en")
        .select_related("product")
        .first()
    )
