from django.db import migrations


def seed(apps, schema_editor):
    from lantern.language.defaults import seed_defaults

    seed_defaults(apps.get_model("language", "Phrase"))


class Migration(migrations.Migration):
    dependencies = [("language", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
