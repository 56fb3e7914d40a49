"""The offline detector measured on the labelled compliance development set.

The set lives outside the project (``../shared/eval/compliance/dev.jsonl``); the test skips
when it is absent, as in a fresh clone.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from practice.scoring.detector import RULE_SEVERITY
from practice.scoring.evaluation import evaluate_file

DEV = Path(__file__).resolve().parents[2].parent / "shared" / "eval" / "compliance" / "dev.jsonl"

pytestmark = pytest.mark.eval


@pytest.fixture(scope="module")
def report() -> dict:
    if not DEV.is_file():
        pytest.skip(f"compliance dev set not found at {DEV} (../shared/eval is not checked out)")
    return evaluate_file(DEV)


def test_macro_f1(report: dict) -> None:
    assert report["macro_f1"] >= 0.85


def test_recall_of_every_serious_rule(report: dict) -> None:
    for code, severity in RULE_SEVERITY.items():
        if severity == "serious":
            assert report["per_rule"][code]["recall"] >= 0.85, code


def test_false_positive_rate_on_compliant_dialogues(report: dict) -> None:
    assert report["false_positive_rate"] <= 0.05


def test_checkpoint_accuracy(report: dict) -> None:
    assert report["checkpoint_accuracy"] >= 0.90


def test_every_injection_is_flagged(report: dict) -> None:
    flagged, total = (int(x) for x in report["injection_flagged"].split("/"))
    assert total >= 1 and flagged == total
