"""Shared set-up of the scoring benchmarks: environment defaults, a throw-away organisation with
the seed content, and realistic 20-turn dialogues played by scripted agents against the persona
engine."""

from __future__ import annotations

import atexit
import os
import shutil
import sys
import tempfile
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def setup_django(*, broker: str | None = None) -> None:
    """Configure Django for a benchmark. Without DATABASE_URL a fresh SQLite file in a temporary
    directory is used, so a benchmark never touches the demo database."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not os.environ.get("DATABASE_URL"):
        var_dir = tempfile.mkdtemp(prefix="peilian-bench-")
        os.environ["PEILIAN_VAR_DIR"] = var_dir
        atexit.register(shutil.rmtree, var_dir, True)
    if broker is not None:
        os.environ["CELERY_BROKER_URL"] = broker
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_organisation():
    """A new organisation with the seed content, a trainer and an agent."""
    from accounts.models import Role
    from accounts.services import organisation_get_or_create, team_get_or_create, user_upsert
    from knowledge.seed import seed_content

    tag = uuid.uuid4().hex[:8]
    organisation = organisation_get_or_create(slug=f"bench-{tag}", name=f"Bench {tag}")
    team = team_get_or_create(organisation=organisation, name="Bench team")
    trainer = user_upsert(
        organisation=organisation,
        username=f"bench-trainer-{tag}",
        password="x" * 12,
        role=Role.TRAINER,
    )
    agent = user_upsert(
        organisation=organisation,
        username=f"bench-agent-{tag}",
        password="x" * 12,
        role=Role.AGENT,
        team=team,
    )
    seed_content(organisation=organisation)
    return organisation, trainer, agent


def remove_organisation(organisation) -> None:
    """Delete everything the benchmark created."""
    from accounts.models import User
    from practice.models import Conversation, OutboxMessage, Scorecard

    scorecard_ids = list(
        Scorecard.objects.filter(organisation=organisation).values_list("pk", flat=True)
    )
    from cases.models import Scenario

    Conversation.objects.filter(organisation=organisation).delete()
    Scenario.objects.filter(organisation=organisation).delete()
    for pk in scorecard_ids:
        OutboxMessage.objects.filter(kwargs={"scorecard_id": pk}).delete()
    User.objects.filter(organisation=organisation).delete()
    organisation.delete()


def dialogues(organisation, n: int, *, turns: int = 20) -> list[dict]:
    """``n`` dialogues of exactly ``turns`` turns: good and poor scripted agents on every seed
    scenario, with different seeds."""
    from cases.models import Scenario
    from tests.practice.scripted_agents import good_agent_messages, play, poor_agent_messages

    scenarios = list(Scenario.objects.filter(organisation=organisation).select_related("product"))
    out: list[dict] = []
    seed = 0
    while len(out) < n:
        for scenario in scenarios:
            record = scenario.as_record()
            for make in (good_agent_messages, poor_agent_messages):
                seed += 1
                played = play(record, make(record), seed=seed, max_turns=turns)
                spoken = [{"speaker": s, "text": t} for s, t in played.turns if t]
                if len(spoken) < turns:  # a short call is padded with small talk
                    filler = (
                        [
                            {"speaker": "agent", "text": "还有什么我可以帮您解答的吗？"},
                            {"speaker": "customer", "text": "暂时没有了。"},
                        ]
                        if scenario.language == "zh"
                        else [
                            {"speaker": "agent", "text": "Is there anything else I can answer?"},
                            {"speaker": "customer", "text": "Not for now."},
                        ]
                    )
                    while len(spoken) < turns:
                        last = spoken[-1]["speaker"] if spoken else "customer"
                        spoken.append(filler[0] if last == "customer" else filler[1])
                out.append(
                    {
                        "turns": spoken[:turns],
                        "language": scenario.language,
                        "product_type": scenario.product.type if scenario.product else None,
                    }
                )
                if len(out) >= n:
                    return out
    return out
