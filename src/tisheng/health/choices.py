"""Coded values of the health facts."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FitnessLevel(models.TextChoices):
    """等级 of a 学年总分 (《国家学生体质健康标准》: 优秀 ≥ 90, 良好 80–89.9, 及格 60–79.9, 不及格)."""

    EXCELLENT = "excellent", _("Excellent (优秀)")
    GOOD = "good", _("Good (良好)")
    PASS = "pass", _("Pass (及格)")
    FAIL = "fail", _("Fail (不及格)")


#: the scorer's Chinese 等级 → the stored code
LEVEL_FROM_ZH: dict[str, str] = {
    "优秀": FitnessLevel.EXCELLENT,
    "良好": FitnessLevel.GOOD,
    "及格": FitnessLevel.PASS,
    "不及格": FitnessLevel.FAIL,
}


class BmiBand(models.TextChoices):
    NORMAL = "normal", _("Normal (正常)")
    UNDERWEIGHT = "underweight", _("Underweight (低体重)")
    OVERWEIGHT = "overweight", _("Overweight (超重)")
    OBESE = "obese", _("Obese (肥胖)")


BMI_BAND_FROM_ZH: dict[str, str] = {
    "正常": BmiBand.NORMAL,
    "低体重": BmiBand.UNDERWEIGHT,
    "超重": BmiBand.OVERWEIGHT,
    "肥胖": BmiBand.OBESE,
}


class FitnessStatus(models.TextChoices):
    """Whether the student has a 学年总分: all required items scored, some missing or flagged, or 免测."""

    COMPLETE = "complete", _("Assessed (已评定)")
    INCOMPLETE = "incomplete", _("Items missing (项目不全)")
    EXEMPT = "exempt", _("Exempt (免测)")


class Correction(models.TextChoices):
    """How the student's eyes are corrected at the screening (戴镜情况)."""

    NONE = "none", _("None (未戴镜)")
    GLASSES = "glasses", _("Frame glasses (框架眼镜)")
    CONTACT = "contact", _("Contact lenses (隐形眼镜)")
    ORTHO_K = "ortho_k", _("Orthokeratology lenses (角膜塑形镜)")


class TrialLens(models.TextChoices):
    """串镜检查 where no autorefraction was done (《儿童青少年近视防控适宜技术指南》): 正片视力下降、负片视力提高
    者判定为筛查性近视."""

    NOT_DONE = "", _("Not done")
    MYOPIC = "myopic", _("Myopic (正片下降、负片提高)")
    NOT_MYOPIC = "not_myopic", _("Not myopic")


class Semester(models.IntegerChoices):
    FIRST = 1, _("First semester")
    SECOND = 2, _("Second semester")
