import os

from django.core.wsgi import get_wsgi_application

from portal.process import freeze_startup_objects

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.production")

application = get_wsgi_application()
freeze_startup_objects()
