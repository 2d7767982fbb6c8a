"""The visit grid: a month of door counts of one institution, typed on one screen (SPEC §7)."""

import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from . import tallies
from .choices import VisitChannel, VisitPeriod, VisitPurpose
from .models import InstitutionPage, VisitCount
from .record_rules import MAX_VISITS, RecordDayField, count_error, parse_count
from .roles import has_institution_scope


def can_enter_visits(user) -> bool:
    """Staff who act for institutions record their door counts (the screen keeps them to those)."""
    return has_institution_scope(user)


def own_institutions(form, request) -> None:
    """Limit a form's institution choices to the user's. Naming another institution is a 404."""
    from .roles import institutions_for

    allowed = institutions_for(request.user)
    asked = request.GET.get("institution", "")
    if (
        asked.isdigit()
        and InstitutionPage.objects.filter(pk=asked).exists()
        and not allowed.filter(pk=asked).exists()
    ):
        raise Http404
    form.fields["institution"].queryset = allowed.order_by("sort_key")


class VisitMonthForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=gettext_lazy("Institution"), queryset=InstitutionPage.objects.order_by("sort_key")
    )
    month = RecordDayField(
        label=gettext_lazy("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


COLUMNS = [(purpose, channel) for purpose in VisitPurpose.values for channel in VisitChannel.values]


def visit_grid_view(request):
    """Door counts of one institution for one month: a row for the whole month, then one per day."""
    if not can_enter_visits(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    selection = VisitMonthForm(request.GET or None, initial={"month": today.replace(day=1)})
    own_institutions(selection, request)
    context = {"page_title": _("Visit counts"), "selection": selection}
    if not selection.is_bound or not selection.is_valid():
        return TemplateResponse(request, "institutions/admin/visit_grid.html", context)
    institution = selection.cleaned_data["institution"]
    month = selection.cleaned_data["month"].replace(day=1)
    days = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - month
    slots = [(VisitPeriod.MONTH, month)] + [
        (VisitPeriod.DAY, month + dt.timedelta(days=offset)) for offset in range(days.days)
    ]
    existing = {
        (c.period, c.date, c.purpose, c.channel): c
        for c in VisitCount.objects.filter(institution=institution, date__gte=month, date__lt=month + days)
    }

    def name(period, day, purpose, channel):
        return f"{period}-{day:%d}-{purpose}-{channel}"

    posted = request.method == "POST"
    grid, errors = [], []
    for period, day in slots:
        cells = []
        for purpose, channel in COLUMNS:
            field_name = name(period, day, purpose, channel)
            count = existing.get((period, day, purpose, channel))
            stored = count.visits if count else None
            value = (
                request.POST.get(field_name, "").strip()
                if posted
                else ("" if stored is None else str(stored))
            )
            error = ""
            if posted and value != "" and parse_count(value, MAX_VISITS) is None:
                error = count_error(MAX_VISITS)
                errors.append(field_name)
                value = value[:20]  # shown back as typed, but never a page of digits
            cells.append(
                {
                    "name": field_name,
                    "value": value,
                    # What the screen showed in the box (sent back with the form), else what is stored.
                    "shown": shown_count(request.POST.get(f"shown-{field_name}"), stored)
                    if posted
                    else stored,
                    "error": error,
                    "key": (period, day, purpose, channel),
                }
            )
        grid.append((period, day, cells))

    if posted:
        if errors:
            messages.error(
                request, _("Some numbers could not be saved; nothing was saved. See the marked boxes.")
            )
        else:
            try:
                saved, removed = save_visits(institution, month, month + days, grid, request.user)
            except VisitConflict as conflict:
                for _period, _day, cells in grid:
                    for cell in cells:
                        if cell["name"] in conflict.cells:
                            cell["shown"] = cell["theirs"] = conflict.cells[cell["name"]]
                            cell["conflict"] = True
                messages.error(
                    request,
                    _(
                        "Someone else saved some of these counts after you opened the screen; nothing was "
                        "saved. Their counts are shown under yours: save again to keep yours."
                    ),
                )
            else:
                messages.success(
                    request,
                    _("Visit counts saved: %(saved)d changed, %(removed)d removed.")
                    % {"saved": saved, "removed": removed},
                )
                return redirect(request.get_full_path())
    context.update(
        institution=institution,
        month=month,
        grid=grid,
        columns=[(VisitPurpose(purpose).label, VisitChannel(channel).label) for purpose, channel in COLUMNS],
    )
    return TemplateResponse(request, "institutions/admin/visit_grid.html", context)


def shown_count(text: str | None, stored: int | None) -> int | None:
    """The count a box showed, as the form sent it back ("" for an empty box); a form that did not send
    it (an older screen) is judged against what is stored."""
    if text is None:
        return stored
    return parse_count(text, MAX_VISITS) if text.strip() else None


class VisitConflict(Exception):
    """Boxes someone else changed after the screen was shown: box name -> their count (None: removed)."""

    def __init__(self, cells: dict[str, int | None]):
        super().__init__(cells)
        self.cells = cells


@tallies.counting()  # one transaction; the visit tallies counted once, at its end
def save_visits(institution, first_day, after, grid, user) -> tuple[int, int]:
    """Save the boxes the person changed, judged against what their screen showed, all or nothing.

    The institution's row is locked first, so two people saving its counts at once are served one after
    the other, and the second sees the first's counts (no duplicate is ever tried). A changed box whose
    count changed since the screen showed it raises `VisitConflict`, saving nothing.
    """
    changed = []
    for _period, _day, cells in grid:
        for cell in cells:
            typed = parse_count(cell["value"], MAX_VISITS) if cell["value"] != "" else None
            if typed != cell["shown"]:
                changed.append((cell, typed))
    if not changed:
        return 0, 0
    list(InstitutionPage.objects.select_for_update().filter(pk=institution.pk).values_list("pk"))
    current = {
        (c.period, c.date, c.purpose, c.channel): c
        for c in VisitCount.objects.filter(institution=institution, date__gte=first_day, date__lt=after)
    }
    conflicts = {}
    for cell, typed in changed:
        count = current.get(cell["key"])
        now = count.visits if count else None
        if now not in (cell["shown"], typed):
            conflicts[cell["name"]] = now
    if conflicts:
        raise VisitConflict(conflicts)

    saved = removed = 0
    for cell, typed in changed:
        count = current.get(cell["key"])
        if typed is None:
            if count is not None:
                log(count, "wagtail.delete", user=user)
                count.delete()
                removed += 1
            continue
        period, day, purpose, channel = cell["key"]
        if count is None:
            count = VisitCount.objects.create(
                institution=institution,
                period=period,
                date=day,
                purpose=purpose,
                channel=channel,
                visits=typed,
            )
            log(count, "wagtail.create", user=user)
            saved += 1
        elif count.visits != typed:
            count.visits = typed
            count.save(update_fields=["visits"])
            log(count, "wagtail.edit", user=user)
            saved += 1
    return saved, removed
