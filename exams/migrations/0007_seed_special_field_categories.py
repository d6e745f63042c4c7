"""The special-field categories (专用) of JJF 1022—2014 beside the ten general ones of 0002.

JJF 1022—2014 (计量标准命名与分类编码) codes the first level of a measurement standard by the metrology
specialty (the ten general categories, 01–46) or, for special-purpose measuring instruments, by their field
of application: 51 纺织, 53 铁路, 55 气象, 57 海洋, 59 邮电, 61 交通运输, 63 建材, 65 农林牧渔. An
enterprise in one of these fields registers projects in its category (issue 14, item 11). Like 0002 this
sets the name of a code staff may already have added, and never removes a category projects use.
"""

from django.db import migrations

SPECIAL_FIELD_CATEGORIES = [
    ("51", "纺织"),
    ("53", "铁路"),
    ("55", "气象"),
    ("57", "海洋"),
    ("59", "邮电"),
    ("61", "交通运输"),
    ("63", "建材"),
    ("65", "农林牧渔"),
]


def seed(apps, schema_editor):
    MetrologyCategory = apps.get_model("exams", "MetrologyCategory")
    for code, name in SPECIAL_FIELD_CATEGORIES:
        MetrologyCategory.objects.update_or_create(code=code, defaults={"name": name})


def unseed(apps, schema_editor):
    MetrologyCategory = apps.get_model("exams", "MetrologyCategory")
    codes = [code for code, _name in SPECIAL_FIELD_CATEGORIES]
    MetrologyCategory.objects.filter(code__in=codes, projects__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("exams", "0006_person_in_people")]

    operations = [migrations.RunPython(seed, unseed)]
