"""The speed budgets of issue #23 (and the yearly report's of #21), each with its figure and "ok" or "over",
printed at the end of `manage.py bench` from the rows it measured."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Budget:
    label: str
    row: str  # the bench row it reads
    limit: float
    unit: str = "ms"  # ms (median), queries, × (a median over another row's), ≥× (throughput ratio)
    of: str = ""  # for ×: the row it is compared with
    database: str = ""  # "postgresql": a budget there only (the figure is still printed elsewhere)


FIRST_PAGE = "listing, first page, uncached"
BUDGETS = [
    Budget("event page, cached", "event page, cached", 2),
    # Its seats left written again for each visitor (events.seat_parts).
    Budget("event page taking registrations, cached", "event page, seats left, cached", 2),
    Budget("institution page, cached", "institution page, cached", 2),
    Budget(f"{FIRST_PAGE}: queries", FIRST_PAGE, 8, "queries"),
    Budget(f"{FIRST_PAGE} (SQLite)", FIRST_PAGE, 12, database="sqlite"),
    Budget(f"{FIRST_PAGE} (PostgreSQL)", FIRST_PAGE, 20, database="postgresql"),
    Budget("listing, filtered, uncached", "listing, filtered, uncached", 1.5, "×", of=FIRST_PAGE),
    Budget("listing, month view, uncached", "listing, month view, uncached", 1.5, "×", of=FIRST_PAGE),
    Budget("sessions API (100 a page), uncached", "sessions API (100 a page), uncached", 30),
    Budget("indicators of a year, province", "indicators, province", 150, database="postgresql"),
    Budget("yearly report, province (.docx)", "yearly report, province", 2000, database="postgresql"),
    Budget("cached listing's throughput over a bare view's", "listing / bare view", 1.0, "≥×"),
]


def budget_lines(medians: dict[str, float], queries: dict[str, int], vendor: str) -> list[str]:
    """One line per budget whose rows were measured: figure, budget, and ok / over (or "–" where the
    budget is another database's)."""
    lines = [f"\nBudgets (issue #23), on {vendor}", f"{'':<52}{'figure':>10}{'budget':>10}"]
    for budget in BUDGETS:
        if budget.row not in medians:
            continue
        if budget.unit == "queries":
            figure, shown, limit = queries[budget.row], f"{queries[budget.row]}", f"≤ {budget.limit:g}"
        elif budget.unit == "×":
            if budget.of not in medians:
                continue
            figure = medians[budget.row] / medians[budget.of]
            shown, limit = f"{figure:.2f}×", f"≤ {budget.limit:g}×"
        elif budget.unit == "≥×":
            figure = medians[budget.row]
            shown, limit = f"{figure:.2f}×", f"≥ {budget.limit:g}×"
        else:
            figure = medians[budget.row]
            shown, limit = f"{figure:.1f} ms", f"≤ {budget.limit:g} ms"
        within = figure >= budget.limit if budget.unit == "≥×" else figure <= budget.limit
        verdict = ("ok" if within else "over") if budget.database in ("", vendor) else "– (other database)"
        lines.append(f"{budget.label:<52}{shown:>10}{limit:>10}  {verdict}")
    return lines
