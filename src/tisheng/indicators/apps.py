from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "tisheng.indicators"
    label = "indicators"
    verbose_name = _("Indicators")

    def ready(self) -> None:
        from . import signals  # noqa: F401  (connects recomputation after approval)
