"""Load version 1 of the Accelerate activities from the copy of the data file frozen beside this
migration (0002_accelerate_v1.json), never from the live file in workshops/activities/, so later
edits there cannot change what this migration loads. A new version is a new JSON file and a
migration like this one.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).with_suffix(".json")


def _source(data: dict) -> str:
    return f"{data['slug']}-v{data['version']}"


def load(apps, schema_editor):
    ActivityTemplate = apps.get_model("workshops", "ActivityTemplate")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    for order, activity in enumerate(data["activities"]):
        ActivityTemplate.objects.update_or_create(
            organisation=None,
            key=activity["key"],
            source=_source(data),
            defaults={
                "name": activity["name"],
                "question": activity["question"],
                "outcome": activity["outcome"],
                "steps": activity["steps"],
                "zones": activity["zones"],
                "timebox_minutes": activity["timebox_minutes"],
                "session": activity["session"],
                "order": order,
                "votes_per_person": activity["votes_per_person"],
                "several_votes_per_note": activity["several_votes_per_note"],
            },
        )


def unload(apps, schema_editor):
    ActivityTemplate = apps.get_model("workshops", "ActivityTemplate")
    data = json.loads(DATA.read_text(encoding="utf-8"))
    ActivityTemplate.objects.filter(organisation=None, source=_source(data)).delete()


class Migration(migrations.Migration):
    dependencies = [("workshops", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
