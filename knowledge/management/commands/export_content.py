"""``manage.py export_content [--org SLUG] [--format yaml|json] [--output FILE] [--kinds …]``:
write an organisation's content as a bundle that ``import_content`` reads back unchanged."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from knowledge.bundles import bundle_dump, bundle_export
from knowledge.management.commands._org import organisation_for
from knowledge.validation import KINDS, BundleError


class Command(BaseCommand):
    help = "Export content (products, rules, articles, cases, rubrics, scenarios) as YAML or JSON."

    def add_arguments(self, parser):
        parser.add_argument(
            "--org", help="organisation slug (default: the only one, or anlan-life)"
        )
        parser.add_argument("--format", choices=["yaml", "json"], default="yaml")
        parser.add_argument("--output", type=Path, help="file to write (default: standard output)")
        parser.add_argument("--kinds", nargs="+", choices=KINDS, help="only these kinds")

    def handle(self, *args, **options):
        organisation = organisation_for(options["org"])
        try:
            bundle = bundle_export(organisation=organisation, kinds=options["kinds"])
        except BundleError as error:
            raise CommandError(error.message) from None
        text = bundle_dump(bundle, fmt=options["format"])
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
            self.stderr.write(f"Wrote {options['output']}")
        else:
            self.stdout.write(text, ending="")
