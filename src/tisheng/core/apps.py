from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "tisheng.core"
    label = "core"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from tisheng.core import audit

        for model in apps.get_models():
            if getattr(model, "audited", False) and not model._meta.abstract and not model._meta.proxy:
                audit.connect(model)
