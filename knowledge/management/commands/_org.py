"""The organisation a content command works on."""

from django.core.management.base import CommandError

from accounts.models import Organisation

DEMO_ORG_SLUG = "anlan-life"


def organisation_for(slug: str | None) -> Organisation:
    """``--org SLUG``; else the only organisation, else the demo organisation."""
    if slug:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise CommandError(f"no organisation with slug {slug!r}")
        return organisation
    organisations = list(Organisation.objects.order_by("pk")[:2])
    if len(organisations) == 1:
        return organisations[0]
    demo = Organisation.objects.filter(slug=DEMO_ORG_SLUG).first()
    if demo is not None:
        return demo
    if not organisations:
        raise CommandError("there is no organisation yet (run manage.py seed_demo, or create one)")
    raise CommandError("several organisations exist: choose one with --org SLUG")
