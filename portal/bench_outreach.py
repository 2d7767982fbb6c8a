"""The benchmark's outreach rows (`manage.py bench`, SPEC §12): the public results page of the province,
rendered afresh and from the cache, and the largest open-data download, a year of the province's
sessions as CSV, read to its end as a client would: time, peak memory of the Python heap (tracemalloc),
queries and size."""

from __future__ import annotations

import statistics
import time
import tracemalloc

from django.db import connection
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.test.utils import CaptureQueriesContext

from core.public_cache import content_changed
from events.models import Session

RESULTS = "/ket-qua/"


def read(client, url: str) -> tuple[int, int]:
    """Status and size, reading a streamed answer a piece at a time, as a client does."""
    response = client.get(url)
    if response.streaming:
        return response.status_code, sum(len(piece) for piece in response.streaming_content)
    return response.status_code, len(response.content)


def timed(client, url: str, runs: int, fresh: bool) -> list[float]:
    times = []
    for _ in range(runs):
        if fresh:
            content_changed()
        started = time.perf_counter()
        read(client, url)
        times.append((time.perf_counter() - started) * 1000)
    return times


def busiest_year() -> int:
    row = (
        Session.objects.annotate(year=ExtractYear("start"))
        .values("year")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .first()
    )
    return row["year"]


def outreach_rows(client, stdout, runs: int) -> None:
    stdout.write(f"\nOutreach (SPEC §12){'':<33}{'median':>9}{'p95':>9}{'queries':>9}{'KB':>8}{'peak MB':>9}")

    def line(name, times, queries, size, peak=None):
        times = sorted(times)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        peak_text = f"{peak / 2**20:>9.1f}" if peak is not None else f"{'–':>9}"
        stdout.write(
            f"{name:<52}{statistics.median(times):>9.1f}{p95:>9.1f}{queries:>9}{size / 1024:>8.0f}{peak_text}"
        )

    read(client, RESULTS)
    content_changed()
    with CaptureQueriesContext(connection) as captured:
        _status, size = read(client, RESULTS)
    queries = len(captured)
    uncached = timed(client, RESULTS, max(5, runs // 5), fresh=True)
    content_changed()
    tracemalloc.start()
    read(client, RESULTS)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    line("results page, province, uncached", uncached, queries, size, peak)
    with CaptureQueriesContext(connection) as captured:
        read(client, RESULTS)
    queries = len(captured)
    line("results page, province, cached", timed(client, RESULTS, runs, fresh=False), queries, size)

    year = busiest_year()
    url = f"/du-lieu-mo/buoi-hoat-dong.csv?year={year}"
    sessions = Session.objects.filter(start__year=year).count()
    with CaptureQueriesContext(connection) as captured:
        status, size = read(client, url)
    assert status == 200, status
    queries = len(captured)
    tracemalloc.start()
    read(client, url)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    line(
        f"open data: {sessions:,} sessions of {year} (CSV)",
        timed(client, url, 3, fresh=False),
        queries,
        size,
        peak,
    )
