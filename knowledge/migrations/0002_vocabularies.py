"""Seed the stable vocabularies: skills, checkpoints and the twelve built-in compliance rules."""

from django.db import migrations


def forwards(apps, schema_editor):
    from knowledge.vocabulary import vocabularies_ensure

    vocabularies_ensure(
        skill_model=apps.get_model("knowledge", "Skill"),
        checkpoint_model=apps.get_model("knowledge", "Checkpoint"),
        rule_model=apps.get_model("knowledge", "ComplianceRule"),
    )


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
