from django.db import migrations

from lantern.oversight.catalogue import COURSES, ensure_courses


def seed(apps, schema_editor):
    ensure_courses(apps.get_model("oversight", "TrainingCourse"))


def unseed(apps, schema_editor):
    apps.get_model("oversight", "TrainingCourse").objects.filter(code__in=[c[0] for c in COURSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
