"""The demo organisation: users, teams and (via the content apps) the seed content."""

from django.conf import settings
from django.db import transaction

from accounts.models import Organisation, Role
from accounts.services import organisation_get_or_create, team_get_or_create, user_upsert

DEMO_ORG_SLUG = "anlan-life"

TEAMS = [("team-a", "一组 · 北京营业部"), ("team-b", "二组 · 上海营业部")]

USERS = [
    # username, role, display name, team key
    ("manager1", Role.MANAGER, "周经理 Manager Zhou", None),
    ("trainer1", Role.TRAINER, "陈培训 Trainer Chen", None),
    ("agent1", Role.AGENT, "李明 Li Ming", "team-a"),
    ("agent2", Role.AGENT, "王芳 Wang Fang", "team-a"),
    ("agent3", Role.AGENT, "张伟 Zhang Wei", "team-a"),
    ("agent4", Role.AGENT, "刘洋 Liu Yang", "team-b"),
    ("agent5", Role.AGENT, "赵静 Zhao Jing", "team-b"),
    ("agent6", Role.AGENT, "Emma Sun", "team-b"),
]


@transaction.atomic
def seed_demo_users(*, password: str | None = None, reset_passwords: bool = False) -> Organisation:
    password = password or settings.DEMO_PASSWORD
    organisation = organisation_get_or_create(slug=DEMO_ORG_SLUG, name="安澜人寿 Anlan Life")
    teams = {key: team_get_or_create(organisation=organisation, name=name) for key, name in TEAMS}
    users = {}
    for username, role, display_name, team_key in USERS:
        users[username] = user_upsert(
            organisation=organisation,
            username=username,
            password=password,
            role=role,
            display_name=display_name,
            team=teams[team_key] if team_key else None,
            reset_password=reset_passwords,
        )
    user_upsert(
        organisation=organisation,
        username="admin",
        password=password,
        role=Role.ADMIN,
        display_name="系统管理员 Admin",
        is_superuser=True,
        reset_password=reset_passwords,
    )
    for team in teams.values():
        team.managers.add(users["manager1"])
    return organisation
