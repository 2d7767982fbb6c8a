"""Measure how much of the admin reads in Vietnamese.

The share of the strings each screen looks up in the translation catalogues that have a Vietnamese
translation; strings that Wagtail's JavaScript translates in the browser are not counted.
"""

from collections import Counter

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.test import Client
from django.utils import translation
from django.utils.translation import trans_real

from events.models import EventPage
from institutions.models import InstitutionIndexPage


def screens() -> list[tuple[str, str]]:
    event = EventPage.objects.order_by("pk").first()
    directory = InstitutionIndexPage.objects.first()
    found = [
        ("dashboard", "/admin/"),
        ("page explorer", f"/admin/pages/{directory.pk}/" if directory else "/admin/pages/"),
        ("images", "/admin/images/"),
        ("snippets", "/admin/snippets/"),
        ("attendance entry", "/admin/attendance/"),
        ("visit entry", "/admin/visits/"),
        ("statistics", "/admin/statistics/"),
        ("import", "/admin/import/"),
    ]
    if event:
        found.insert(2, ("page editor", f"/admin/pages/{event.pk}/edit/"))
        found.insert(3, ("page history", f"/admin/pages/{event.pk}/history/"))
    return found


class Command(BaseCommand):
    help = "Report the share of Vietnamese strings on the admin screens editors and officers use."

    def add_arguments(self, parser):
        parser.add_argument("--missing", action="store_true", help="list the untranslated strings")

    def handle(self, *args, missing, **options):
        user = get_user_model().objects.filter(is_superuser=True).first()
        if user is None:
            raise CommandError("Create a superuser first (make run does).")
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0].lstrip(".") or "localhost")
        client.force_login(user)
        looked_up: Counter = Counter()
        untranslated: Counter = Counter()
        originals = {
            name: getattr(trans_real, name) for name in ("gettext", "pgettext", "ngettext", "npgettext")
        }

        def recording(name):
            def lookup(*args):
                result = originals[name](*args)
                message = args[1] if name.startswith("p") else args[0]
                if translation.get_language() == "vi" and message and message.strip():
                    looked_up[message] += 1
                    if result == message and any(c.isalpha() for c in message):
                        untranslated[message] += 1
                return result

            return lookup

        total_seen = total_translated = 0
        try:
            for name in originals:
                setattr(trans_real, name, recording(name))
                setattr(translation._trans, name, getattr(trans_real, name))
            for label, url in screens():
                looked_up.clear()
                response = client.get(url)
                seen = len(looked_up)
                missing_here = sum(1 for message in looked_up if message in untranslated)
                total_seen += seen
                total_translated += seen - missing_here
                share = 100 * (seen - missing_here) / seen if seen else 100
                self.stdout.write(
                    f"{label:18} {response.status_code}  {seen - missing_here:4}/{seen:<4} {share:5.1f}%"
                )
        finally:
            for name, function in originals.items():
                setattr(trans_real, name, function)
                setattr(translation._trans, name, function)
        share = 100 * total_translated / total_seen if total_seen else 100
        self.stdout.write(f"{'all screens':18}      {total_translated:4}/{total_seen:<4} {share:5.1f}%")
        if missing:
            for message, _count in untranslated.most_common():
                self.stdout.write(repr(message))
