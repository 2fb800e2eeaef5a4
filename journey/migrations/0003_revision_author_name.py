from django.db import migrations, models


def name_past_authors(apps, schema_editor):
    CanvasRevision = apps.get_model("journey", "CanvasRevision")
    for revision in CanvasRevision.objects.filter(author__isnull=False).select_related("author"):
        revision.author_name = revision.author.name or revision.author.email
        revision.save(update_fields=["author_name"])


class Migration(migrations.Migration):
    dependencies = [("journey", "0002_load_steps")]

    operations = [
        migrations.AddField(
            model_name="canvasrevision",
            name="author_name",
            field=models.CharField(blank=True, max_length=100),
        ),
        migrations.RunPython(name_past_authors, migrations.RunPython.noop),
    ]
