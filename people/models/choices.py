from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    """The two levels of 企业注册计量师."""

    ONE = 1, _("Level 1")
    TWO = 2, _("Level 2")


class Prefecture(models.TextChoices):
    """The prefecture-level divisions of Heilongjiang (地级行政区)."""

    HARBIN = "harbin", _("Harbin")
    QIQIHAR = "qiqihar", _("Qiqihar")
    JIXI = "jixi", _("Jixi")
    HEGANG = "hegang", _("Hegang")
    SHUANGYASHAN = "shuangyashan", _("Shuangyashan")
    DAQING = "daqing", _("Daqing")
    YICHUN = "yichun", _("Yichun")
    JIAMUSI = "jiamusi", _("Jiamusi")
    QITAIHE = "qitaihe", _("Qitaihe")
    MUDANJIANG = "mudanjiang", _("Mudanjiang")
    HEIHE = "heihe", _("Heihe")
    SUIHUA = "suihua", _("Suihua")
    DAXINGANLING = "daxinganling", _("Da Hinggan Ling Prefecture")
