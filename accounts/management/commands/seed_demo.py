"""Seed the demo organisation: users, teams, content and history. Safe to run again."""

from django.conf import settings
from django.core.management.base import BaseCommand

from accounts.demo import seed_demo_users


class Command(BaseCommand):
    help = "Create or update the demo organisation, its users and its seed content (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset-passwords", action="store_true", help="Set every demo password again."
        )
        parser.add_argument("--no-content", action="store_true", help="Users and teams only.")

    def handle(self, *args, **options):
        organisation = seed_demo_users(reset_passwords=options["reset_passwords"])
        self.stdout.write(f"Demo organisation: {organisation.name}")
        if not options["no_content"]:
            from knowledge.seed import seed_content

            summary = seed_content(organisation=organisation)
            self.stdout.write(f"Seed content: {summary}")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo users: manager1, trainer1, agent1…agent6, admin — "
                f"password: {settings.DEMO_PASSWORD}"
            )
        )
