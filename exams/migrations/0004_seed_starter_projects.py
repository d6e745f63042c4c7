"""A starter list of metrology projects (计量专业项目), a few per JJF 1022 category.

Codes are the category's code, a dot and a serial number. Names are the instruments whose verification
or calibration the project covers, as enterprises' own verifiers name them. Staff extend the list in
the admin or by importing a spreadsheet; this migration never overwrites their edits (get_or_create).
"""

from django.db import migrations

PROJECTS = {
    "01": ["量块", "卡尺", "千分尺", "指示表（百分表、千分表）", "钢卷尺", "水准仪"],
    "04": ["工业热电阻", "工业热电偶", "玻璃液体温度计", "数字温度指示调节仪", "热电偶、热电阻检定炉"],
    "12": [
        "压力表", "精密压力表", "压力变送器", "砝码", "电子天平", "数字指示秤",
        "扭矩扳子", "洛氏硬度计", "燃油加油机", "水表",
    ],
    "15": ["数字多用表", "绝缘电阻表（兆欧表）", "接地电阻表", "交流电能表", "钳形电流表", "直流电阻箱"],
    "23": ["示波器", "信号发生器", "频谱分析仪", "射频功率计"],
    "25": ["秒表", "通用计数器", "石英晶体频率标准"],
    "28": ["照度计", "焦度计", "光泽度计", "阿贝折射仪"],
    "33": ["声级计", "声校准器", "纯音听力计", "超声波探伤仪"],
    "37": ["X、γ辐射剂量当量率仪", "个人剂量计", "活度计", "医用诊断X射线辐射源"],
    "46": [
        "pH计（酸度计）", "电导率仪", "紫外、可见、近红外分光光度计", "气相色谱仪",
        "可燃气体检测报警器", "呼出气体酒精含量检测仪",
    ],
}


def seed(apps, schema_editor):
    MetrologyCategory = apps.get_model("exams", "MetrologyCategory")
    MetrologyProject = apps.get_model("exams", "MetrologyProject")
    categories = {c.code: c for c in MetrologyCategory.objects.all()}
    for category_code, names in PROJECTS.items():
        for serial, name in enumerate(names, 1):
            MetrologyProject.objects.get_or_create(
                code=f"{category_code}.{serial:02d}",
                defaults={"name": name, "category": categories[category_code]},
            )


def unseed(apps, schema_editor):
    MetrologyProject = apps.get_model("exams", "MetrologyProject")
    codes = [f"{c}.{i:02d}" for c, names in PROJECTS.items() for i in range(1, len(names) + 1)]
    MetrologyProject.objects.filter(code__in=codes, sessions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("exams", "0003_sessions_results_certificates")]

    operations = [migrations.RunPython(seed, unseed)]
