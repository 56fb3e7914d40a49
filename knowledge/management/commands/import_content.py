"""``manage.py import_content FILE [FILE…] [--org SLUG] [--clauses-jsonl FILE [--product CODE]]``:
load content bundles (YAML/JSON, docs/content-format.md) into an organisation, all or nothing."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledge.bundles import bundle_import, clauses_import_jsonl
from knowledge.management.commands._org import organisation_for
from knowledge.validation import BundleError


class Command(BaseCommand):
    help = "Import content bundles (products, rules, articles, cases, rubrics, scenarios); nothing on error."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="*", type=Path, help="YAML or JSON bundle files")
        parser.add_argument(
            "--org", help="organisation slug (default: the only one, or anlan-life)"
        )
        parser.add_argument(
            "--clauses-jsonl", type=Path, help="clause passages, one JSON object a line"
        )
        parser.add_argument("--product", help="product code for JSONL lines without one")

    def handle(self, *args, **options):
        if not options["files"] and not options["clauses_jsonl"]:
            raise CommandError("give bundle files and/or --clauses-jsonl FILE")
        organisation = organisation_for(options["org"])
        try:
            if options["files"]:
                summary = bundle_import(
                    organisation=organisation, paths=options["files"], actor=None
                )
                for kind, counts in summary.items():
                    self.stdout.write(
                        f"{kind}: {counts['created']} created, {counts['updated']} updated, "
                        f"{counts['unchanged']} unchanged"
                    )
            if options["clauses_jsonl"]:
                counts = clauses_import_jsonl(
                    organisation=organisation,
                    path=options["clauses_jsonl"],
                    product_code=options["product"],
                )
                self.stdout.write(
                    f"clauses: {counts['created']} created, {counts['unchanged']} already present"
                )
        except BundleError as error:
            raise CommandError(f"nothing imported:\n{error.message}") from None
        self.stdout.write(self.style.SUCCESS(f"Imported into {organisation.slug}."))
