from django.db import migrations


def create(apps, schema_editor):
    from lantern.locality.catalogue import ensure_standard_indicators

    ensure_standard_indicators(apps.get_model("locality", "Indicator"))


class Migration(migrations.Migration):
    dependencies = [("locality", "0003_areas_and_indicators")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
