from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("organisations", "0001_initial")]

    operations = [
        # No page ever issued a grant before targets existed, so no row needs a real target.
        migrations.AddField(
            model_name="guestgrant",
            name="target_id",
            field=models.PositiveBigIntegerField(default=0),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="guestgrant",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name="guestgrant",
            name="kind",
            field=models.CharField(
                choices=[("assessment_respondent", "Assessment respondent")], max_length=30
            ),
        ),
        migrations.AlterField(
            model_name="guestgrant",
            name="display_name",
            field=models.CharField(max_length=100),
        ),
        migrations.AddIndex(
            model_name="guestgrant",
            index=models.Index(fields=["kind", "target_id"], name="guest_grant_target"),
        ),
    ]
