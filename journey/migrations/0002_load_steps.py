from django.db import migrations

from journey.steps_data import load_catalogue


def load_steps(apps, schema_editor):
    load_catalogue(apps.get_model("journey", "StepDefinition"))


class Migration(migrations.Migration):
    dependencies = [("journey", "0001_initial")]

    operations = [migrations.RunPython(load_steps, migrations.RunPython.noop)]
