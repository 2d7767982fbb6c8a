"""python manage.py bench: server time, queries and size of the busiest pages, then throughput under load.

Meant for the settings `portal.settings.bench` and a database filled by `generate_scale_data`
(`make bench` does both). Server time is measured in the process, through Django's test client, so
it is the time Django spends on the request (no network). Before every request of an "uncached"
row the public cache is forgotten, as a publication does, so the page renders afresh; the "cached"
rows are what the other visitors get until the next publication; the feeds' "empty cache" rows start
from nothing cached at all (not even each event's VEVENTs). Throughput is measured with gunicorn
(2 workers) and wrk on 127.0.0.1. On PostgreSQL, the registration race then sends a few hundred
registrations at once through two gunicorn servers (`portal.bench_registration`).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from core.public_cache import content_changed
from events.models import Session
from institutions.models import AdministrativeUnit, InstitutionPage
from portal.bench_budgets import budget_lines
from portal.bench_check_in import check_in_rows
from portal.bench_digest import digest_row
from portal.bench_outreach import outreach_rows
from portal.bench_registration import race, registration_posts, registration_session, taking_registrations
from portal.indicators import compute
from portal.process import freeze_startup_objects
from portal.report_documents import report_docx
from portal.yearly_report import build

# (row, address, budget in ms, most queries): issue #25, "Feeds at scale".
WHOLE_CALENDAR = "/feeds/events.ics?from=2021-12-01&to=2028-12-31"
FEED_BUDGETS_2000 = [
    ("feed at 2,000 events, whole calendar", WHOLE_CALENDAR, 50, 6),
    ("feed at 2,000 events, default window", "/feeds/events.ics", 25, 6),
]
FEED_BUDGETS = [
    ("feed, default window", "/feeds/events.ics", 50, None),
    ("feed, one institution (default window)", "/feeds/institutions/{code}.ics", 10, None),
    ("feed, whole calendar (2021–2028)", WHOLE_CALENDAR, 150, None),
]


@dataclass
class Figure:
    name: str
    times: list[float]
    queries: int
    size: int | None

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def row(self, bare: float) -> str:
        times = sorted(self.times)
        median = self.median
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        size = f"{self.size / 1024:8.1f}" if self.size is not None else f"{'–':>8}"
        return f"{self.name:<52}{median:>9.1f}{p95:>9.1f}{median / bare:>9.0f}{self.queries:>9}{size}"


class Command(BaseCommand):
    help = "Measure the listing, directory, pages, API, feeds and indicators on the scale data."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=25, help="requests per row (default 25)")
        parser.add_argument("--load-seconds", type=int, default=10, help="duration of each load test")
        parser.add_argument("--no-load", action="store_true", help="skip the load test")
        parser.add_argument("--no-race", action="store_true", help="skip the registration race")
        parser.add_argument("--digest-only", action="store_true", help="only the weekly digest's row")
        parser.add_argument("--report-only", action="store_true", help="only the yearly report's row")
        parser.add_argument(
            "--indicators-only",
            action="store_true",
            help="only the indicators' rows (the province, the largest district) and the yearly report's",
        )
        parser.add_argument(
            "--outreach-only", action="store_true", help="only the results page's and open data's rows"
        )
        parser.add_argument(
            "--race-people",
            type=int,
            default=400,
            help="registrations sent at once in the race (default 400)",
        )
        parser.add_argument(
            "--generate", action="store_true", help="run generate_scale_data first when there is no data"
        )
        parser.add_argument(
            "--feeds-only",
            action="store_true",
            help="only the feeds against their budgets at 2,000 events (generate with --events 2000)",
        )
        for size in ("institutions", "events", "years"):
            parser.add_argument(f"--{size}", type=int, help=f"generate_scale_data --{size}")

    def handle(self, *args, **options):
        if not InstitutionPage.objects.exists():
            if not options["generate"]:
                raise CommandError("No data: run generate_scale_data first (make bench does).")
            sizes = {size: options[size] for size in ("institutions", "events", "years") if options[size]}
            call_command("generate_scale_data", stdout=self.stdout, **sizes)
        with connection.cursor() as cursor:
            # Fresh planner statistics (a migration may rebuild a table); on PostgreSQL also the
            # visibility map, so that autovacuum does not start on the new rows while we measure.
            # (VACUUM cannot run inside a transaction, as in the tests).
            vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self.settle()
        self.runs = options["runs"]
        self.medians: dict[str, float] = {}
        self.queries: dict[str, int] = {}
        self.client = Client(HTTP_HOST="localhost")
        self.client.get("/")  # load the URL patterns and templates, as a served process has
        freeze_startup_objects()  # as portal/wsgi.py does
        self.describe()
        if options["feeds_only"]:
            self.feed_budgets(FEED_BUDGETS_2000)
            return
        if options["digest_only"]:
            digest_row(self.stdout)
            return
        if options["outreach_only"]:
            outreach_rows(self.client, self.stdout, self.runs)
            return
        if options["report_only"]:
            year = timezone.localdate().year - 1
            bare = self.measure("bare Django view", "/bench/bare/", fresh=False).median
            report = self.measure_call(
                f"yearly report {year}, province (.docx)", lambda: report_docx(build(year))
            )
            self.stdout.write(report.row(bare))
            return
        if options["indicators_only"]:
            self.indicator_rows(self.measure("bare Django view", "/bench/bare/", fresh=False).median)
            for line in budget_lines(self.medians, self.queries, connection.vendor):
                self.stdout.write(line)
            return
        today = timezone.localdate()
        busiest = (
            InstitutionPage.objects.annotate(n=Count("sessions")).order_by("-n").only("pk", "code").first()
        )
        coming = Session.objects.filter(start__gte=timezone.now()).select_related("event").first()
        window = f"from={today}&to={today + dt.timedelta(days=90)}"
        pages = [
            ("listing, first page", "/lich-hoat-dong/"),
            ("listing, filtered", "/lich-hoat-dong/?kind=class&kind=club&audience=adults&free=1"),
            ("listing, month view", "/lich-hoat-dong/?view=month"),
            ("directory", "/co-so/"),
            ("institution page", busiest.url),
            ("event page", coming.event.url if coming else "/"),
            ("sessions API (100 a page)", "/api/v1/sessions?page_size=100"),
            ("feed, 90 days, filtered", f"/feeds/events.ics?{window}&kind=class&kind=club"),
            ("feed, one institution (default window)", f"/feeds/institutions/{busiest.code}.ics"),
        ]
        header = f"{'':<52}{'median':>9}{'p95':>9}{'× bare':>9}{'queries':>9}{'KB':>8}"
        bare_figure = self.measure("bare Django view", "/bench/bare/", fresh=False)
        bare = bare_figure.median
        self.stdout.write(
            f"\nServer time in ms over {self.runs} requests each (× bare: median over the bare view's)\n"
        )
        self.stdout.write(header)
        self.stdout.write(bare_figure.row(bare))
        for name, url in pages:
            if name.startswith("feed"):  # nothing kept at all, not even each event's VEVENTs
                self.stdout.write(self.measure(f"{name}, empty cache", url, fresh=True, cold=True).row(bare))
            self.stdout.write(self.measure(f"{name}, uncached", url, fresh=True).row(bare))
            self.stdout.write(self.measure(f"{name}, cached", url, fresh=False).row(bare))
        self.registration_rows(coming, bare)
        digest_row(self.stdout)
        self.feed_budgets(FEED_BUDGETS, code=busiest.code)
        self.indicator_rows(bare)
        outreach_rows(self.client, self.stdout, self.runs)
        if not options["no_load"]:
            self.load_test(options["load_seconds"])
        for line in budget_lines(self.medians, self.queries, connection.vendor):
            self.stdout.write(line)
        if not options["no_race"]:
            race(self.stdout, people=options["race_people"])

    def indicator_rows(self, bare: float):
        """Last year's indicators of the province and of the district (before July 2025) with the most
        institutions in its communes, and the plan's yearly report of the province (every figure, each
        institution's line) as .docx."""
        year = timezone.localdate().year - 1
        province = self.measure_call(f"indicators {year}, province", lambda: compute(year))
        self.stdout.write(self.keep(province, "indicators, province").row(bare))
        district = (
            AdministrativeUnit.objects.filter(level="district")
            .annotate(n=Count("children__institutions"))
            .order_by("-n", "pk")
            .first()
        )
        if district:
            figure = self.measure_call(f"indicators {year}, {district.name}", lambda: compute(year, district))
            self.stdout.write(figure.row(bare))
        report = self.measure_call(
            f"yearly report {year}, province (.docx)", lambda: report_docx(build(year))
        )
        self.stdout.write(self.keep(report, "yearly report, province").row(bare))

    def registration_rows(self, coming: Session | None, bare: float):
        """The event page while its sessions take registrations (each with its seats left), and a
        registration's POST, each a new one; the event and the session are put back as they were.
        The event is the one the "event page" rows measure, when it has a session a day ahead."""
        session = registration_session(coming.event) if coming else None
        if session is None:
            session = registration_session()
        if session is None:
            self.stdout.write("registration rows skipped: no session a day ahead")
            return
        event = session.event
        with taking_registrations(event, session, capacity=max(100, 2 * self.runs + 10)):
            for name, fresh in (("uncached", True), ("cached", False)):
                self.stdout.write(
                    self.measure(f"event page, seats left, {name}", event.url, fresh=fresh).row(bare)
                )
            times, queries = registration_posts(session, self.runs)
            self.stdout.write(Figure("registration POST (a new one each)", times, queries, None).row(bare))
        for name, times, queries in check_in_rows(session, self.runs):
            self.stdout.write(Figure(name, times, queries, None).row(bare))

    def feed_budgets(self, budgets, code: str = ""):
        """The feeds against issue #25's budgets: server time with every cache cleared before each
        request (pages, versions, each event's pieces), and the queries of one such request."""
        self.stdout.write(
            f"\nFeeds against their budgets, every cache cleared before each request ({self.runs} runs)"
        )
        self.stdout.write(f"{'':<52}{'median':>9}{'p95':>9}{'budget':>9}{'queries':>9}{'KB':>8}")
        runs, self.runs = self.runs, max(self.runs, 10) * 5  # `measure` times a fifth of the runs cold
        try:
            for name, url, limit, most_queries in budgets:
                figure = self.measure(name, url.format(code=code), fresh=True, cold=True)
                times = sorted(figure.times)
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                verdict = "ok" if figure.median <= limit else "over"
                if most_queries is not None and figure.queries > most_queries:
                    verdict = f"over ({figure.queries} queries > {most_queries})"
                self.stdout.write(
                    f"{name:<52}{figure.median:>9.1f}{p95:>9.1f}{limit:>9}{figure.queries:>9}"
                    f"{figure.size / 1024:>8.0f}  {verdict}"
                )
        finally:
            self.runs = runs

    def describe(self):
        vendor = connection.vendor
        version = ""
        if vendor == "postgresql":
            version = f"{connection.pg_version // 10000}.{connection.pg_version % 100}"
        elif vendor == "sqlite":
            import sqlite3

            version = sqlite3.sqlite_version
        counts = {
            "institutions": InstitutionPage.objects.count(),
            "sessions": Session.objects.count(),
        }
        from events.models import Attendance
        from institutions.models import VisitCount

        counts["attendance"] = Attendance.objects.count()
        counts["visit counts"] = VisitCount.objects.count()
        self.stdout.write(
            f"Machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, "
            f"database {vendor} {version}".rstrip()
        )
        self.stdout.write("Data: " + ", ".join(f"{n:,} {name}" for name, n in counts.items()))

    def settle(self):
        """Let the writes of the bulk load reach the disk before measuring: otherwise the first rows
        measure the kernel writing back hundreds of megabytes, not the portal."""
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                try:
                    with transaction.atomic():
                        cursor.execute("CHECKPOINT")
                except DatabaseError:
                    pass  # CHECKPOINT needs a superuser or pg_checkpoint; the sync below still helps
        os.sync()
        if not connection.in_atomic_block:
            # Measure on a new connection, as a served process has, not on the server process
            # that has just written millions of rows.
            connection.close()

    def keep(self, figure: Figure, row: str = "") -> Figure:
        """Keep a figure for the budgets (`portal.bench_budgets`), under its row's name or `row`."""
        self.medians[row or figure.name] = figure.median
        self.queries[row or figure.name] = figure.queries
        return figure

    def measure(self, name: str, url: str, fresh: bool, cold: bool = False) -> Figure:
        def forget():
            if cold:  # every cache: pages, versions and each event's VEVENTs
                for alias in caches:
                    caches[alias].clear()
            elif fresh:
                content_changed()  # as a publication does: every public page renders afresh

        # Queries and size from one request; the timed requests run without Django's query log,
        # which would add its own cost to each query.
        self.client.get(url)  # fill the caches
        forget()
        with CaptureQueriesContext(connection) as captured:
            response = self.client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        queries, size = len(captured), len(response.content)
        times = []
        for _ in range(max(5, self.runs // 5) if cold else self.runs):
            forget()
            started = time.perf_counter()
            self.client.get(url)  # the test client returns the page rendered
            times.append((time.perf_counter() - started) * 1000)
        return self.keep(Figure(name, times, queries, size))

    def measure_call(self, name: str, call) -> Figure:
        with CaptureQueriesContext(connection) as captured:
            call()
        times = []
        for _ in range(max(5, self.runs // 5)):
            started = time.perf_counter()
            call()
            times.append((time.perf_counter() - started) * 1000)
        return Figure(name, times, len(captured), None)

    def load_test(self, seconds: int):
        wrk = shutil.which("wrk")
        gunicorn = shutil.which("gunicorn") or os.path.join(os.path.dirname(sys.executable), "gunicorn")
        if not wrk or not os.path.exists(gunicorn):
            self.stdout.write("\nLoad test skipped: wrk or gunicorn is not installed.")
            return
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": settings.SETTINGS_MODULE}
        server = subprocess.Popen(
            [gunicorn, "portal.wsgi", "--workers", "2", "--bind", f"127.0.0.1:{port}"]
            + ["--log-level", "warning"],
            env=env,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 30
            while True:
                try:
                    urllib.request.urlopen(base + "/bench/bare/", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline:
                        raise CommandError("gunicorn did not start") from None
                    time.sleep(0.2)
            self.stdout.write(
                f"\nThroughput: gunicorn, 2 workers; wrk, 2 threads, 16 connections, {seconds} s"
            )
            rates = {}
            for name, path in (("bare Django view", "/bench/bare/"), ("listing, cached", "/lich-hoat-dong/")):
                for _ in range(20):  # warm both workers' caches
                    urllib.request.urlopen(base + path, timeout=30).read()
                output = subprocess.run(
                    [wrk, "-t2", "-c16", f"-d{seconds}s", base + path], capture_output=True, text=True
                ).stdout
                found = re.search(r"Requests/sec:\s+([\d.]+)", output)
                errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
                rates[name] = float(found.group(1)) if found else 0.0
                note = f" ({errors.group(1)} non-2xx responses)" if errors else ""
                self.stdout.write(f"{name:<52}{rates[name]:>9.0f} requests/s{note}")
            bare = rates["bare Django view"] or 1
            self.stdout.write(f"{'listing / bare view':<52}{rates['listing, cached'] / bare:>9.2f}")
            self.medians["listing / bare view"] = rates["listing, cached"] / bare
        finally:
            server.terminate()
            server.wait(timeout=10)
