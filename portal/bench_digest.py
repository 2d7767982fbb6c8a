"""The benchmark's digest row (`manage.py bench`, SPEC §11): the weekly digest for 10,000 subscriptions over
the benchmark's data. The subscriptions share sets of filters as residents' would (a kind, an audience, a
district, free or not): `send_digests` groups them by identical filters, and each group's task reads and
renders its sessions once. The tasks run here one after another, as one worker would, sending to Django's
in-memory mail backend; the subscriptions, the mail log and the queued tasks are deleted afterwards."""

from __future__ import annotations

import datetime as dt
import itertools
import time

from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from events.choices import AudienceCode, EventKind
from events.models import MailDelivery, Subscription
from institutions.models import AdministrativeUnit

SUBSCRIPTIONS = 10_000
TASK = "events.tasks.send_digest"


def filter_sets() -> list[str]:
    """Kinds, audiences and districts in the combinations residents choose: a few hundred sets."""
    districts = list(
        AdministrativeUnit.objects.filter(level="district").order_by("code").values_list("code", flat=True)
    )
    kinds = [f"kind={kind}" for kind in EventKind.values[:5]]
    audiences = ["", *[f"audience={code}" for code in AudienceCode.values[:3]]]
    areas = ["", *[f"area={code}" for code in districts[:13]]]
    sets = []
    for kind, audience, area, free in itertools.product(kinds, audiences, areas, ["", "free=1"]):
        sets.append("&".join(part for part in [kind, audience, area, free] if part))  # canonical order
    return ["", *sets]


def digest_row(out, subscriptions: int = SUBSCRIPTIONS) -> None:
    from events.management.commands.send_digests import queue_digests
    from events.tasks import send_digest

    sets = filter_sets()
    now = timezone.now()
    made = Subscription.objects.bulk_create(
        Subscription(
            email=f"bench-{n}@example.vn",
            filters=sets[n % len(sets)],
            language="en" if n % 10 == 0 else "vi",
            confirmed_at=now,
        )
        for n in range(subscriptions)
    )
    ids = [subscription.pk for subscription in made]
    today = timezone.localdate()
    monday = today + dt.timedelta(days=(7 - today.weekday()) % 7)
    before = set(DBTaskResult.objects.filter(task_path=TASK).values_list("pk", flat=True))
    try:
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            mail.outbox = []
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as queued:
                count, tasks = queue_digests(monday)
            queue_seconds = time.perf_counter() - started
            rows = DBTaskResult.objects.filter(task_path=TASK, status="READY").exclude(pk__in=before)
            started = time.perf_counter()
            with CaptureQueriesContext(connection) as sent:
                for row in rows:
                    send_digest.call(*row.args_kwargs["args"], **row.args_kwargs["kwargs"])
            send_seconds = time.perf_counter() - started
            messages = len(mail.outbox)
        out.write(
            f"\nWeekly digest for {count:,} subscriptions in {len(sets)} sets of filters "
            f"(from {monday:%d/%m/%Y}; {subscriptions - count} not due)\n"
            f"  queue: {queue_seconds:.1f} s, {len(queued)} queries, {tasks} tasks\n"
            f"  send: {send_seconds:.1f} s, {len(sent)} queries ({len(sent) / max(tasks, 1):.1f} a task), "
            f"{messages:,} messages (the rest matched nothing), "
            f"{messages / max(send_seconds, 0.001):.0f} a second"
        )
    finally:
        DBTaskResult.objects.filter(task_path=TASK).exclude(pk__in=before).delete()
        Subscription.objects.filter(pk__in=ids).delete()
        MailDelivery.objects.filter(at__gte=now).delete()
        mail.outbox = []
