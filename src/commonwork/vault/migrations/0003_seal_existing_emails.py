from django.db import migrations


def seal_emails(apps, schema_editor):  # noqa: ANN001, ARG001 - Django's signature
    """Move every address kept in clear on the user row into the sealed contact."""
    from commonwork.vault.actions.contact import set_email

    User = apps.get_model("members", "User")  # noqa: N806 - a model class
    for user in User.objects.exclude(email=""):
        set_email(user.pk, user.email)
        User.objects.filter(pk=user.pk).update(email="")


class Migration(migrations.Migration):
    dependencies = [
        ("vault", "0002_member_keys_and_sealed_contacts"),
        ("members", "0003_elected_stewards_and_removal"),
    ]

    operations = [migrations.RunPython(seal_emails, migrations.RunPython.noop)]
