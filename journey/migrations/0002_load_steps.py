from django.db import migrations

from journey.steps_data import PHASES, STEPS


def load_steps(apps, schema_editor):
    StepDefinition = apps.get_model("journey", "StepDefinition")
    for step in STEPS:
        StepDefinition.objects.update_or_create(
            number=step["number"],
            defaults={
                "phase": step["phase"],
                "phase_title": PHASES[step["phase"]],
                "title": step["title"],
                "summary": step["summary"],
                "guiding_questions": step["questions"],
                "extra_list": step.get("extra_list", {}),
            },
        )


class Migration(migrations.Migration):
    dependencies = [("journey", "0001_initial")]

    operations = [migrations.RunPython(load_steps, migrations.RunPython.noop)]
