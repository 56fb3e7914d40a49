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
        parser.add_argument(
            "--no-history",
            action="store_true",
            help="Skip the weeks of practice sessions, calls and scorecards of the demo agents.",
        )

    def handle(self, *args, **options):
        organisation = seed_demo_users(reset_passwords=options["reset_passwords"])
        self.stdout.write(f"Demo organisation: {organisation.name}")
        if not options["no_content"]:
            from knowledge.seed import seed_content

            summary = seed_content(organisation=organisation)
            self.stdout.write(f"Seed content: {summary}")
            if not options["no_history"]:
                from coaching.demo_history import demo_history_seed

                history = demo_history_seed(organisation=organisation)
                if history["skipped"]:
                    self.stdout.write("Demo history: already there, left as it is.")
                else:
                    self.stdout.write(
                        "Demo history: {sessions} practice sessions, {calls} calls, "
                        "{scored} scorecards in {seconds}s".format(**history)
                    )
        self.stdout.write(
            self.style.SUCCESS(
                "Demo users: manager1, trainer1, agent1…agent6, admin — "
                f"password: {settings.DEMO_PASSWORD}"
            )
        )
