"""Writes for organisations, teams, users and the audit log."""

from typing import Any

from django.db import transaction
from django.db.models import F, Model

from accounts.models import AuditEvent, Organisation, Role, Team, User


@transaction.atomic
def organisation_get_or_create(*, slug: str, name: str) -> Organisation:
    organisation, _ = Organisation.objects.get_or_create(slug=slug, defaults={"name": name})
    return organisation


@transaction.atomic
def team_get_or_create(*, organisation: Organisation, name: str) -> Team:
    team, _ = Team.objects.get_or_create(organisation=organisation, name=name)
    return team


@transaction.atomic
def user_upsert(
    *,
    organisation: Organisation | None,
    username: str,
    password: str,
    role: str,
    display_name: str = "",
    team: Team | None = None,
    is_superuser: bool = False,
    reset_password: bool = False,
) -> User:
    """Create the user, or bring an existing one to the given role and team (idempotent)."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    user = User.objects.filter(username=username).first()
    created = user is None
    if created:
        user = User(username=username)
    user.organisation = organisation
    user.role = role
    user.team = team
    user.display_name = display_name
    user.is_staff = is_superuser
    user.is_superuser = is_superuser
    if created or reset_password:
        user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    return user


def audit_record(
    *,
    organisation: Organisation,
    actor: User | None,
    action: str,
    target: Model | None = None,
    target_type: str = "",
    target_id: str = "",
    summary: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEvent:
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    return AuditEvent.objects.create(
        organisation=organisation,
        actor=actor if actor and actor.is_authenticated else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=summary[:300],
        before=before,
        after=after,
    )


def content_version_bump(*, organisation: Organisation) -> None:
    """Tell per-process caches of this organisation's content (the search index) to rebuild."""
    Organisation.objects.filter(pk=organisation.pk).update(content_version=F("content_version") + 1)


@transaction.atomic
def user_role_change(*, actor: User | None, user: User, role: str) -> User:
    """Give ``user`` another role, recorded in the audit log (who, when, before, after)."""
    if role not in Role.values:
        raise ValueError(f"unknown role {role!r}")
    user = User.objects.select_for_update().get(pk=user.pk)
    before = user.role
    if before == role:
        return user
    user.role = role
    user.save(update_fields=["role"])
    if user.organisation_id is not None:
        audit_record(
            organisation=user.organisation,
            actor=actor,
            action="user.role_changed",
            target=user,
            summary=f"{user.username}: {before} → {role}",
            before={"role": before},
            after={"role": role},
        )
    return user
