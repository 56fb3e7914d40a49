"""Seed the stable vocabularies: skills, checkpoints and the twelve built-in compliance rules."""

from django.db import migrations


def forwards(apps, schema_editor):
    from knowledge.vocabulary import CHECKPOINTS, RULES, SKILLS

    Skill = apps.get_model("knowledge", "Skill")
    Checkpoint = apps.get_model("knowledge", "Checkpoint")
    ComplianceRule = apps.get_model("knowledge", "ComplianceRule")
    for order, (code, name_zh, name_en, desc_zh, desc_en) in enumerate(SKILLS):
        Skill.objects.update_or_create(
            code=code,
            defaults=dict(name_zh=name_zh, name_en=name_en, description_zh=desc_zh, description_en=desc_en, order=order),
        )
    for order, (code, name_zh, name_en, desc_zh, desc_en) in enumerate(CHECKPOINTS):
        Checkpoint.objects.update_or_create(
            code=code,
            defaults=dict(name_zh=name_zh, name_en=name_en, description_zh=desc_zh, description_en=desc_en, order=order),
        )
    for code, severity, title_zh, title_en, basis in RULES:
        ComplianceRule.objects.update_or_create(
            organisation=None,
            code=code,
            defaults=dict(severity=severity, title_zh=title_zh, title_en=title_en, basis=basis),
        )


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
