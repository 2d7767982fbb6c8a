"""The mail report in the admin (SPEC §11): per day, the messages sent, failed, bounced and held back by
the daily limit, and how many subscriptions run, wait for confirmation or ended. Counts only: no address
is listed or exported. Only the province's staff see it, and only they may look up one address's
subscriptions (logged)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.admin.views.reports import ReportView
from wagtail.log_actions import log

from institutions.roles import is_provincial

from .models import MailDelivery, MailStatus, Subscription
from .subscribing import describe_filters, end


def count_of(name: str):
    return lambda row: row[name]


class MailReportView(ReportView):
    page_title = _("Mail")
    header_icon = "mail"
    index_url_name = "events_mail_report"
    index_results_url_name = "events_mail_report_results"
    results_template_name = "events/admin/mail_report_results.html"
    paginate_by = 31
    list_export = ["day", "sent", "failed", "bounced", "held"]
    export_headings = {
        "day": _("Day"),
        "sent": _("Sent"),
        "failed": _("Failed"),
        "bounced": _("Bounced"),
        "held": _("Held back (daily limit)"),
    }
    columns = [
        DateColumn("day", label=_("Day"), accessor=count_of("day")),
        Column("sent", label=_("Sent"), accessor=count_of("sent")),
        Column("failed", label=_("Failed"), accessor=count_of("failed")),
        Column("bounced", label=_("Bounced"), accessor=count_of("bounced")),
        Column("held", label=_("Held back (daily limit)"), accessor=count_of("held")),
    ]

    def dispatch(self, request, *args, **kwargs):
        if not is_provincial(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_queryset(self):
        counts = {status: Count("pk", filter=Q(status=status)) for status in MailStatus.values}
        return MailDelivery.objects.values("day").annotate(**counts).order_by("-day")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["subscriptions"] = Subscription.objects.aggregate(
            running=Count("pk", filter=Q(confirmed_at__isnull=False, ended_at__isnull=True)),
            waiting=Count("pk", filter=Q(confirmed_at__isnull=True, ended_at__isnull=True)),
            ended=Count("pk", filter=Q(ended_at__isnull=False)),
        )
        return context


class LookupForm(forms.Form):
    email = forms.EmailField(label=_("Subscriber's address"), max_length=254)


def subscriber_lookup_view(request):
    """`/admin/reports/mail/subscribers/`: the province's staff find the subscriptions of one address (a
    resident who asks by phone to be taken off), and end them. The address is sent by POST, never in a
    link, and each look-up is in the audit log (Decree 13/2023/NĐ-CP: who read personal data)."""
    if not is_provincial(request.user):
        raise PermissionDenied
    form = LookupForm(request.POST if request.method == "POST" else None)
    found = None
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if request.POST.get("end"):
            for subscription in Subscription.objects.filter(email=email, pk__in=request.POST.getlist("end")):
                end(subscription)
                log(subscription, "events.subscription_ended", user=request.user)
            messages.success(request, _("The subscription was ended and its address erased."))
            return redirect("events_subscriber_lookup")
        found = list(Subscription.objects.filter(email=email, ended_at__isnull=True).order_by("pk"))
        for subscription in found:
            log(subscription, "events.subscription_viewed", user=request.user)
        found = [(subscription, describe_filters(subscription.filters)) for subscription in found]
    return TemplateResponse(request, "events/admin/subscriber_lookup.html", {"form": form, "found": found})
