"""Fixtures of the case library tests (shared with the knowledge tests)."""

from tests.knowledge.conftest import seeded, sized_bundle  # noqa: F401  (fixtures and helper)
