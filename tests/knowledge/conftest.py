"""Fixtures of the knowledge tests: the seed content, and bundles of a chosen size."""

import copy

import pytest

from knowledge.bundles import bundle_import
from knowledge.search.service import clear_cache
from knowledge.seed import SEED_DIR, SEED_FILES


def seed_paths():
    return [SEED_DIR / name for name in SEED_FILES if (SEED_DIR / name).exists()]


@pytest.fixture
def seeded(org):
    """The organisation ``org`` with all of ``seed/`` imported."""
    clear_cache()
    bundle_import(organisation=org, paths=seed_paths(), actor=None)
    return org


def sized_bundle(n: int, *, prefix: str = "p") -> dict:
    """``n`` products, each with a clause, an article, a case and a scenario."""
    criteria = [
        {
            "code": "discovery",
            "skill": "discovery",
            "title_zh": "需求",
            "title_en": "Needs",
            "weight": 60,
            "max_score": 5,
            "checks_zh": ["问家庭"],
            "checks_en": ["asks about family"],
        },
        {
            "code": "closing",
            "skill": "closing",
            "title_zh": "促成",
            "title_en": "Closing",
            "weight": 40,
            "max_score": 5,
            "checks_zh": [],
            "checks_en": [],
        },
    ]
    bundle: dict = {"products": [], "articles": [], "cases": [], "scenarios": []}
    for i in range(n):
        code = f"{prefix}{i}"
        bundle["products"].append(
            {
                "code": code,
                "type": "critical_illness",
                "name_zh": f"产品{i}",
                "name_en": f"Product {i}",
                "waiting_period_days": 90,
                "cooling_off_days": 15,
                "clauses": [
                    {
                        "ref": "1.1",
                        "title": "保险责任",
                        "language": "zh",
                        "text": f"第{i}款 保险责任说明",
                    }
                ],
            }
        )
        bundle["articles"].append(
            {
                "slug": f"a-{code}",
                "kind": "knowledge",
                "language": "zh",
                "title": f"文章{i}",
                "body": "正文",
                "products": [code],
                "skills": ["product", "objection"],
                "objection_types": ["price"],
            }
        )
        bundle["cases"].append(
            {
                "slug": f"c-{code}",
                "language": "zh",
                "title": f"案例{i}",
                "product": code,
                "outcome": "won",
                "skills": ["objection"],
                "objection_types": ["price"],
                "turns": [
                    {"speaker": "agent", "text": "您好"},
                    {"speaker": "customer", "text": "太贵了"},
                ],
                "annotations": [
                    {"turn": 1, "kind": "problem", "comment": "注意", "rule": "false_urgency"}
                ],
            }
        )
        bundle["scenarios"].append(
            {
                "code": f"s-{code}",
                "language": "zh",
                "difficulty": "easy",
                "product": code,
                "title": f"场景{i}",
                "goal": "了解需求",
                "persona": {"name": "王先生", "public_profile": "35岁", "opening_line": "你好"},
                "sop": [
                    {
                        "stage_zh": "开场",
                        "stage_en": "Opening",
                        "checkpoints": ["identity_disclosed"],
                    }
                ],
                "rubric": {"code": "std", "criteria": copy.deepcopy(criteria)},
            }
        )
    return bundle
