"""The periodic jobs on their schedule, in one process: what `make run` starts beside the web server and
the worker. Production runs the same commands from cron or systemd timers (README, "Periodic jobs")."""

from __future__ import annotations

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

DAY = 24 * 60 * 60
# (command, its arguments, every how many seconds): each also runs once at start.
JOBS = [
    ("publish_scheduled", [], 5 * 60),
    ("send_reminders", [], 5 * 60),
    ("send_digests", [], 5 * 60),  # sends on Mondays from 06:00, once a week
    ("extend_sessions", [], DAY),
    ("erase_personal_data", [], DAY),
    ("prune_db_task_results", ["--backend", "background"], DAY),
]


class Command(BaseCommand):
    help = (
        "Run publish_scheduled, send_reminders and send_digests every 5 minutes, and extend_sessions, "
        "erase_personal_data and prune_db_task_results daily."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once and stop.")

    def handle(self, *args, once=False, **options):
        due = dict.fromkeys((name for name, *_ in JOBS), 0.0)
        while True:
            now = time.monotonic()
            for name, arguments, every in JOBS:
                if due[name] <= now:
                    try:
                        call_command(name, *arguments, stdout=self.stdout, stderr=self.stderr)
                    except Exception as error:  # one failing job must not stop the others
                        self.stderr.write(f"{name} failed: {error!r}")
                    due[name] = now + every
            if once:
                return
            time.sleep(30)
