"""Measure how much of the admin reads in Vietnamese.

Two measures per screen: the share of the strings it looks up in the translation catalogues that have a
Vietnamese translation, and the English words left in what a person sees of it (`portal.admin_words`:
its visible text and the labels read out, which also catches English that no catalogue is asked for,
written straight into a template). Strings that Wagtail's JavaScript translates in the browser are not
counted; the browser walk (tests/browser/test_admin_words.py) sees those too.
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

from ...admin_words import english_words, visible_text


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
        ("site history", "/admin/reports/site-history/"),
        ("aging pages", "/admin/reports/aging-pages/"),
        ("account", "/admin/account/"),
        ("page tree top", "/admin/pages/"),
    ]
    if event:
        found.insert(2, ("page editor", f"/admin/pages/{event.pk}/edit/"))
        found.insert(3, ("page history", f"/admin/pages/{event.pk}/history/"))
        found.insert(4, ("new event", f"/admin/pages/add/events/eventpage/{event.get_parent().pk}/"))
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
        english_seen: Counter = Counter()
        try:
            for name in originals:
                setattr(trans_real, name, recording(name))
                setattr(translation._trans, name, getattr(trans_real, name))
            self.stdout.write(
                f"{'screen':18} {'HTTP':4}  {'translated':>10} {'share':>6}  English words seen"
            )
            for label, url in screens():
                looked_up.clear()
                response = client.get(url)
                # The person's own name is theirs, not the admin's words.
                text = visible_text(response.content.decode()).replace(user.get_username(), " ")
                english = english_words(text)
                english_seen.update(english)
                seen = len(looked_up)
                missing_here = sum(1 for message in looked_up if message in untranslated)
                total_seen += seen
                total_translated += seen - missing_here
                share = 100 * (seen - missing_here) / seen if seen else 100
                self.stdout.write(
                    f"{label:18} {response.status_code}  {seen - missing_here:4}/{seen:<4} {share:5.1f}%"
                    f"  {len(english)}"
                )
        finally:
            for name, function in originals.items():
                setattr(trans_real, name, function)
                setattr(translation._trans, name, function)
        share = 100 * total_translated / total_seen if total_seen else 100
        self.stdout.write(
            f"{'all screens':18}      {total_translated:4}/{total_seen:<4} {share:5.1f}%"
            f"  {sum(english_seen.values())}"
        )
        if missing:
            for message, _count in untranslated.most_common():
                self.stdout.write(repr(message))
            for word, count in english_seen.most_common():
                self.stdout.write(f"English seen: {word} ×{count}")
