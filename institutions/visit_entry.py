"""`POST /api/v1/visits`: one day's door count sent by the offline entry app (SPEC §10), with the rules of
the visit grid (a record day, the person's institutions only) and its audit log. A count's version is its
figure: the phone says which figure it started from (`base`, null for none)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from .choices import VisitChannel, VisitPeriod, VisitPurpose
from .entry_api import EntryError, entry_endpoint, field_errors, form_data, replay
from .models import InstitutionPage, VisitCount
from .record_rules import MAX_VISITS, CountField, RecordDayField
from .roles import institutions_for


class VisitEntryForm(forms.Form):
    institution = forms.IntegerField(min_value=1, max_value=2**62)
    date = RecordDayField(input_formats=["%Y-%m-%d"])
    visits = CountField(label=gettext_lazy("visits"), maximum=MAX_VISITS)
    purpose = forms.ChoiceField(choices=VisitPurpose.choices)
    channel = forms.ChoiceField(choices=VisitChannel.choices, required=False)
    base = forms.IntegerField(min_value=0, required=False)


def apply_visits(request, data: dict, entry_id) -> tuple[int, dict]:
    form = VisitEntryForm(form_data(data))
    if not form.is_valid():
        raise field_errors(form.errors)
    values = form.cleaned_data
    institution = InstitutionPage.objects.select_for_update().filter(pk=values["institution"]).first()
    if institution is None:
        raise EntryError(404, {"errors": {"institution": [_("No such institution.")]}})
    replay(request, entry_id, "visits")
    if not institutions_for(request.user).filter(pk=institution.pk).exists():
        raise EntryError(403, {"errors": {"institution": [_("This institution is not one of yours.")]}})
    slot = {
        "institution": institution,
        "period": VisitPeriod.DAY,
        "date": values["date"],
        "purpose": values["purpose"],
        "channel": values["channel"] or VisitChannel.ONSITE,
    }
    record = VisitCount.objects.filter(**slot).first()
    current = record.visits if record else None
    if current != values["base"]:
        raise EntryError(409, {"server": {"visits": current}, "version": current})
    created = record is None
    record = record or VisitCount(**slot)
    record.visits = values["visits"]
    record.save()
    log(
        record,
        "wagtail.create" if created else "wagtail.edit",
        user=request.user,
        data={"entry": str(entry_id)},
    )
    body = {
        "id": str(entry_id),
        "institution": institution.pk,
        "date": values["date"].isoformat(),
        "purpose": slot["purpose"],
        "channel": slot["channel"],
        "visits": record.visits,
        "version": record.visits,
    }
    return (201 if created else 200), body


visit_entry_api = entry_endpoint("visits", apply_visits)
