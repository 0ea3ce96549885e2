"""WSGI entry point (served by waitress in ``tisheng serve``)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tisheng.config.settings")
application = get_wsgi_application()
