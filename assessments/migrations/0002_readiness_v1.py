"""Load version 1 of the readiness instrument from the copy of its data file frozen beside this
migration (0002_readiness_v1.json), never from the live file, so later edits to the shipped
instrument cannot change what this migration loads.

Another instrument, or a new version of this one, is a new JSON file and a migration like this
one that names it.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).with_suffix(".json")


def load(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    definition = json.loads(DATA.read_text(encoding="utf-8"))
    Instrument.objects.update_or_create(
        slug=definition["slug"],
        version=definition["version"],
        defaults={"name": definition["name"], "definition": definition},
    )


def unload(apps, schema_editor):
    Instrument = apps.get_model("assessments", "Instrument")
    definition = json.loads(DATA.read_text(encoding="utf-8"))
    Instrument.objects.filter(slug=definition["slug"], version=definition["version"]).delete()


class Migration(migrations.Migration):
    dependencies = [("assessments", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
