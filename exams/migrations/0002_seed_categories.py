"""The metrology specialty categories of JJF 1022 (first level) that the pilot registers."""

from django.db import migrations

CATEGORIES = [
    ("01", "几何量（长度）"),
    ("04", "热学"),
    ("12", "力学"),
    ("15", "电磁学"),
    ("23", "无线电"),
    ("25", "时间频率"),
    ("28", "光学"),
    ("33", "声学"),
    ("37", "电离辐射"),
    ("46", "物理化学"),
]


def seed(apps, schema_editor):
    MetrologyCategory = apps.get_model("exams", "MetrologyCategory")
    for code, name in CATEGORIES:
        MetrologyCategory.objects.update_or_create(code=code, defaults={"name": name})


class Migration(migrations.Migration):
    dependencies = [("exams", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
