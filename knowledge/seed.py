"""Load the seed content bundles in ``seed/`` into an organisation."""

from pathlib import Path

from accounts.models import Organisation

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
SEED_FILES = [
    "products.yaml",
    "rules.yaml",
    "articles.yaml",
    "cases.yaml",
    "rubrics.yaml",
    "scenarios.yaml",
]


def seed_content(*, organisation: Organisation) -> dict:
    from knowledge.bundles import bundle_import
    from knowledge.vocabulary import vocabularies_ensure

    vocabularies_ensure()
    paths = [SEED_DIR / name for name in SEED_FILES if (SEED_DIR / name).exists()]
    return bundle_import(organisation=organisation, paths=paths, actor=None)
