from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Development only: create an 'admin' superuser when there is no superuser, and say how to log in."

    def add_arguments(self, parser):
        parser.add_argument("--port", default="8000")

    def handle(self, *args, port, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_dev_admin only runs with DEBUG on (development settings).")
        User = get_user_model()
        url = f"http://127.0.0.1:{port}/admin/"
        if User.objects.filter(is_superuser=True).exists():
            self.stdout.write(f"Admin: {url} (log in with your existing superuser).")
            return
        User.objects.create_superuser("admin", "admin@example.com", "admin")
        self.stdout.write(f"Admin: {url}  user: admin  password: admin (development only)")
