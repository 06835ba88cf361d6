from django.db import migrations, models


def fill_keys(apps, schema_editor):
    """Each existing user name's skeleton; a later name that looks like an earlier one
    (only possible before this check existed) keeps no key, and so blocks nothing."""
    from commonwork.members.usernames import skeleton

    User = apps.get_model("members", "User")
    seen = set()
    for user in User.objects.order_by("pk").only("pk", "username"):
        key = skeleton(user.username)
        if key in seen:
            continue
        seen.add(key)
        User.objects.filter(pk=user.pk).update(username_key=key)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0003_elected_stewards_and_removal"),
    ]

    operations = [
        migrations.AddField(
            model_name="user",
            name="username_key",
            field=models.CharField(editable=False, max_length=150, null=True, unique=True),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]
