"""Content bundles: the seed imports, round-trips exactly, is idempotent; bad bundles are
rejected whole with errors that name the record and field; clause passages from JSONL."""

import copy
import json

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.utils import translation

from accounts.models import AuditEvent, Organisation
from cases.models import Case, CaseAnnotation, Rubric, Scenario
from knowledge.bundles import bundle_dump, bundle_export, bundle_import, clauses_import_jsonl
from knowledge.models import Article, ClausePassage, ComplianceRule, Product
from knowledge.validation import BundleError
from tests.knowledge.conftest import seed_paths, sized_bundle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The messages below are checked in English; they follow the active language."""
    with translation.override("en"):
        yield


def counts(org):
    return (
        Product.objects.filter(organisation=org).count(),
        ClausePassage.objects.filter(organisation=org).count(),
        Article.objects.filter(organisation=org).count(),
        Case.objects.filter(organisation=org).count(),
        CaseAnnotation.objects.filter(case__organisation=org).count(),
        Scenario.objects.filter(organisation=org).count(),
        Rubric.objects.filter(organisation=org).count(),
        ComplianceRule.objects.filter(organisation=org).count(),
    )


def test_seed_imports_every_file_and_round_trips_exactly(seeded):
    summary_kinds = {"products", "rules", "articles", "cases"}
    exported = bundle_export(organisation=seeded)
    assert summary_kinds <= set(exported)
    assert (
        len(exported["products"]) >= 5
        and len(exported["articles"]) >= 10
        and len(exported["cases"]) >= 5
    )
    if any(p.name == "scenarios.yaml" for p in seed_paths()):
        assert len(exported["scenarios"]) >= 1

    fresh = Organisation.objects.create(slug="fresh", name="Fresh")
    bundle_import(organisation=fresh, data=copy.deepcopy(exported))
    again = bundle_export(organisation=fresh)
    assert again == exported
    # the text form is identical too, in both formats
    assert bundle_dump(again) == bundle_dump(exported)
    assert bundle_dump(again, fmt="json") == bundle_dump(exported, fmt="json")


def test_importing_twice_changes_nothing(seeded):
    before = counts(seeded)
    clause_ids = sorted(
        ClausePassage.objects.filter(organisation=seeded).values_list("pk", flat=True)
    )
    version = Organisation.objects.get(pk=seeded.pk).content_version
    summary = bundle_import(organisation=seeded, paths=seed_paths())
    assert all(c["created"] == 0 and c["updated"] == 0 for c in summary.values()), summary
    assert counts(seeded) == before
    # passage ids (and so their #clause-<id> anchors) are stable; the search index is not rebuilt
    assert (
        sorted(ClausePassage.objects.filter(organisation=seeded).values_list("pk", flat=True))
        == clause_ids
    )
    assert Organisation.objects.get(pk=seeded.pk).content_version == version


def test_seed_refreshes_builtin_rule_wording_but_user_import_does_not(org, trainer):
    data = {
        "rules": [
            {
                "code": "false_urgency",
                "severity": "general",
                "title_zh": "新标题",
                "title_en": "New",
                "description_zh": "说明",
                "violating_examples": ["明天就涨价"],
            }
        ]
    }
    bundle_import(organisation=org, data=data, actor=trainer)
    assert ComplianceRule.objects.get(organisation=None, code="false_urgency").title_zh != "新标题"
    bundle_import(organisation=org, data=data, actor=None)
    rule = ComplianceRule.objects.get(organisation=None, code="false_urgency")
    assert rule.title_zh == "新标题" and rule.violating_examples == ["明天就涨价"]
    assert not ComplianceRule.objects.filter(organisation=org).exists()


def test_builtin_rule_severity_cannot_change(org):
    data = {
        "rules": [
            {"code": "false_urgency", "severity": "serious", "title_zh": "x", "title_en": "x"}
        ]
    }
    with pytest.raises(BundleError) as info:
        bundle_import(organisation=org, data=data)
    assert "rules[0] (code=false_urgency).severity" in info.value.message


def test_org_rules_are_exported_and_usable_in_annotations(org):
    bundle = sized_bundle(1)
    bundle["rules"] = [
        {
            "code": "unlicensed_advice",
            "severity": "general",
            "title_zh": "无证咨询",
            "title_en": "Unlicensed advice",
        }
    ]
    bundle["cases"][0]["annotations"].append(
        {"turn": 0, "kind": "problem", "comment": "x", "rule": "unlicensed_advice"}
    )
    bundle_import(organisation=org, data=bundle)
    exported = bundle_export(organisation=org)
    assert [r["code"] for r in exported["rules"]] == ["unlicensed_advice"]
    annotation = CaseAnnotation.objects.get(rule__code="unlicensed_advice")
    assert annotation.rule.organisation == org


BAD = [
    # (mutation, expected fragment of the error)
    (
        lambda b: b["cases"][0]["annotations"][0].update(turn=17),
        "cases[0] (slug=c-p0).annotations[0].turn: 17 is not a turn of this case (0-1)",
    ),
    (
        lambda b: b["cases"][0].update(product="nope"),
        "cases[0] (slug=c-p0).product: “nope” is not a known product code",
    ),
    (
        lambda b: b["products"][0].update(type="pet"),
        "products[0] (code=p0).type: “pet” is not one of",
    ),
    (
        lambda b: b["products"][0].update(waiting_period_days="ninety"),
        "products[0] (code=p0).waiting_period_days",
    ),
    (
        lambda b: b["articles"][0].update(skills=["juggling"]),
        "articles[0] (slug=a-p0).skills[0]: “juggling” is not a known skill",
    ),
    (lambda b: b["articles"][0].pop("title"), "articles[0] (slug=a-p0).title: is required"),
    (
        lambda b: b["articles"][0].update(objection_types=["weather"]),
        "articles[0] (slug=a-p0).objection_types[0]",
    ),
    (
        lambda b: b["cases"][0]["annotations"][0].update(rule="made_up"),
        "annotations[0].rule: “made_up” is not a known compliance rule",
    ),
    (
        lambda b: b["cases"][0]["turns"][1].update(speaker="robot"),
        "cases[0] (slug=c-p0).turns[1].speaker",
    ),
    (
        lambda b: b["scenarios"][0]["rubric"]["criteria"][0].update(weight=50),
        "scenarios[0] (code=s-p0).rubric.criteria: weights add up to 90, not 100",
    ),
    (
        lambda b: b["scenarios"][0]["persona"].update(temperament="grumpy"),
        "scenarios[0] (code=s-p0).persona.temperament",
    ),
    (
        lambda b: b["scenarios"][0]["persona"].update(
            objections=[
                {
                    "code": "o",
                    "type": "price",
                    "line": "贵",
                    "trigger": {"after_turn": 2},
                    "resolved_by": ["magic"],
                }
            ]
        ),
        "persona.objections[0].resolved_by[0]: “magic” is not a known resolution move",
    ),
    (
        lambda b: b["scenarios"][0]["sop"][0].update(checkpoints=["smiled"]),
        "scenarios[0] (code=s-p0).sop[0].checkpoints[0]",
    ),
    (
        lambda b: b["products"].append(dict(b["products"][0])),
        "products[2] (code=p0).code: 'p0' already used by products[0]",
    ),
    (lambda b: b.update(widgets=[]), "widgets: unknown kind"),
]


@pytest.mark.parametrize("mutate,expected", BAD)
def test_malformed_bundle_is_rejected_whole_with_a_precise_error(org, mutate, expected):
    bundle = sized_bundle(2)
    mutate(bundle)
    before = counts(org)
    with pytest.raises(BundleError) as info:
        bundle_import(organisation=org, data=bundle)
    assert any(expected in e for e in info.value.errors), info.value.errors
    assert counts(org) == before  # nothing imported, not even the good records


def test_all_errors_are_reported_together(org):
    bundle = sized_bundle(2)
    bundle["cases"][1]["annotations"][0]["turn"] = 9
    bundle["articles"][0]["kind"] = "poem"
    with pytest.raises(BundleError) as info:
        bundle_import(organisation=org, data=bundle)
    assert len(info.value.errors) == 2


def test_errors_name_the_file_when_importing_files(org, tmp_path):
    good = tmp_path / "products.yaml"
    good.write_text(yaml.safe_dump({"products": sized_bundle(1)["products"]}, allow_unicode=True))
    bad = tmp_path / "cases.yaml"
    cases = sized_bundle(1)["cases"]
    cases[0]["outcome"] = "maybe"
    bad.write_text(yaml.safe_dump({"cases": cases}, allow_unicode=True))
    with pytest.raises(BundleError) as info:
        bundle_import(organisation=org, paths=[good, bad])
    assert info.value.errors[0].startswith("cases.yaml: cases[0] (slug=c-p0).outcome")
    assert not Product.objects.filter(organisation=org).exists()

    broken = tmp_path / "broken.yaml"
    broken.write_text("products:\n  - code: x\n    name_zh: [unclosed\n")
    with pytest.raises(BundleError, match=r"broken.yaml, line \d+: not valid YAML"):
        bundle_import(organisation=org, paths=[broken])


def test_rubric_change_creates_a_new_version_and_reimport_reuses_versions(org):
    bundle = sized_bundle(2)
    bundle_import(organisation=org, data=bundle)
    assert Rubric.objects.filter(organisation=org, code="std").count() == 1
    changed = copy.deepcopy(bundle)
    criteria = changed["scenarios"][1]["rubric"]["criteria"]
    criteria[0]["weight"], criteria[1]["weight"] = 70, 30
    bundle_import(organisation=org, data=changed)
    versions = list(Rubric.objects.filter(organisation=org, code="std").order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    s0, s1 = Scenario.objects.filter(organisation=org).order_by("code")
    assert s0.rubric == versions[0] and s1.rubric == versions[1]
    summary = bundle_import(organisation=org, data=changed)
    assert summary["scenarios"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert Rubric.objects.filter(organisation=org).count() == 2
    # round trip keeps both versions' criteria with their scenarios
    fresh = Organisation.objects.create(slug="fresh2", name="F")
    bundle_import(organisation=fresh, data=bundle_export(organisation=org))
    assert bundle_export(organisation=fresh) == bundle_export(organisation=org)


def test_standalone_rubrics_and_references(org):
    bundle = sized_bundle(1)
    criteria = bundle["scenarios"][0]["rubric"]["criteria"]
    bundle["rubrics"] = [
        {"code": "shared", "title": "Shared", "criteria": criteria},
        {"code": "spare", "criteria": criteria},
    ]
    bundle["scenarios"][0]["rubric"] = "shared"
    bundle_import(organisation=org, data=bundle)
    scenario = Scenario.objects.get(organisation=org)
    assert scenario.rubric.code == "shared" and scenario.rubric.title == "Shared"
    exported = bundle_export(organisation=org)
    assert [r["code"] for r in exported["rubrics"]] == ["spare"]
    bad = sized_bundle(1)
    bad["scenarios"][0]["rubric"] = "unknown-rubric"
    with pytest.raises(BundleError, match=r"rubric\.code: “unknown-rubric” is not a known rubric"):
        bundle_import(organisation=Organisation.objects.create(slug="o3", name="o3"), data=bad)


def test_clauses_jsonl_import(org, tmp_path):
    bundle_import(organisation=org, data={"products": sized_bundle(2)["products"]})
    path = tmp_path / "clauses.jsonl"
    lines = [
        {
            "product": "p0",
            "ref": "3.1",
            "title": "责任免除",
            "language": "zh",
            "text": "因下列情形之一导致的，不承担责任",
        },
        {"ref": "3.2", "title": "Exclusions", "language": "en", "text": "We do not pay when"},
    ]
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n\n")
    result = clauses_import_jsonl(organisation=org, path=path, product_code="p1")
    assert result == {"created": 2, "unchanged": 0}
    assert ClausePassage.objects.filter(product__code="p1", ref="3.2").exists()
    assert clauses_import_jsonl(organisation=org, path=path, product_code="p1") == {
        "created": 0,
        "unchanged": 2,
    }

    bad = tmp_path / "bad.jsonl"
    bad.write_text(
        json.dumps(lines[0], ensure_ascii=False)
        + "\n{not json\n"
        + json.dumps({"product": "zz", "text": "x"})
        + "\n"
    )
    before = ClausePassage.objects.count()
    with pytest.raises(BundleError) as info:
        clauses_import_jsonl(organisation=org, path=bad)
    assert info.value.errors[0].startswith("bad.jsonl line 2: not valid JSON")
    assert "bad.jsonl line 3.product: 'zz' is not a known product code" in info.value.errors[1]
    assert ClausePassage.objects.count() == before


def test_import_and_export_commands(org, tmp_path, capsys):
    path = tmp_path / "bundle.yaml"
    path.write_text(yaml.safe_dump(sized_bundle(2), allow_unicode=True))
    call_command("import_content", str(path), "--org", org.slug)
    capsys.readouterr()
    assert Product.objects.filter(organisation=org).count() == 2
    out = tmp_path / "out.json"
    call_command("export_content", "--org", org.slug, "--format", "json", "--output", str(out))
    exported = json.loads(out.read_text())
    assert [p["code"] for p in exported["products"]] == ["p0", "p1"]
    call_command("export_content", "--org", org.slug, "--kinds", "rules")
    assert yaml.safe_load(capsys.readouterr().out) == {"rules": []}

    bad = tmp_path / "bad.yaml"
    broken = sized_bundle(1)
    broken["cases"][0]["annotations"][0]["turn"] = 5
    bad.write_text(yaml.safe_dump(broken, allow_unicode=True))
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_content", str(bad), "--org", org.slug)
    with pytest.raises(CommandError, match="no organisation"):
        call_command("import_content", str(path), "--org", "missing")


def test_import_is_audited_once(org, trainer):
    bundle_import(organisation=org, data=sized_bundle(1), actor=trainer)
    events = AuditEvent.objects.filter(organisation=org, action="content.imported")
    assert events.count() == 1 and events.get().actor == trainer
