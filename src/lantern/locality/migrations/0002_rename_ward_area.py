from django.db import migrations


class Migration(migrations.Migration):
    """Wards become one kind of area (LSOAs and comparators are the others); their rows and links stay."""

    dependencies = [
        ("locality", "0001_initial"),
        ("intel", "0002_search"),
        ("people", "0006_merge_dependents"),
    ]

    operations = [
        migrations.RenameModel("Ward", "Area"),
    ]
