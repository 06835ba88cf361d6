from django.db import migrations, models


def forget_clear_points(apps, schema_editor):  # noqa: ANN001, ARG001 - Django's signature
    """Points stored in clear cannot be sealed after the fact without their worker's key
    being made for them; they are short-lived (location_retention_days), so they go."""
    apps.get_model("work", "LocationPing").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("work", "0003_task_on_task_times"),
    ]

    operations = [
        migrations.RunPython(forget_clear_points, migrations.RunPython.noop),
        migrations.RemoveConstraint(model_name="locationping", name="location_ping_on_earth"),
        migrations.RemoveField(model_name="locationping", name="lat"),
        migrations.RemoveField(model_name="locationping", name="lon"),
        migrations.AddField(
            model_name="locationping",
            name="sealed",
            field=models.BinaryField(
                default=b"", help_text='"lat,lon", sealed with the worker\'s key.'
            ),
            preserve_default=False,
        ),
    ]
