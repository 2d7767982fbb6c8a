"""Email subscriptions, the resident's side (SPEC §11): ask, confirm, see, change, end.

Nothing here is cached and nothing writes an address into a link: the links carry signed tokens
(`events.subscribing`). The one-click unsubscribe takes a POST without a session or a CSRF token, as mail
programs send it (RFC 8058); the token is its authority.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.rate_limit import over_limit

from .registration_views import see_other
from .subscribing import (
    MAX_FILTERS_LENGTH,
    SUBSCRIPTION_FILTERS,
    address_of_confirm_token,
    canonical_filters,
    change_filters,
    confirm,
    describe_filters,
    end,
    manage_token,
    managed_by,
    stop_registration_mail,
    subscribe,
    subscription_filterset,
    waiting_for,
)
from .tasks import send_confirmation_mail


def consent_text() -> str:
    return _(
        "I agree that the portal keeps my email address to send me the weekly list of sessions that match "
        "these filters. Only the province's staff can see it; it is erased as soon as I unsubscribe, and "
        "deleted if I do not confirm within 7 days."
    )


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": gettext_lazy("Enter your email address."),
            "invalid": gettext_lazy("Enter a valid email address, such as ten@example.com."),
        },
    )
    consent = forms.BooleanField(
        label="", required=True, error_messages={"required": gettext_lazy("Tick the box to agree.")}
    )
    # A honeypot: hidden from people by the stylesheet, filled in by the robots that fill every field.
    website = forms.CharField(label=gettext_lazy("Leave this field empty"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = consent_text()

    def clean_website(self):
        if self.cleaned_data["website"]:
            raise forms.ValidationError(_("Leave this field empty."))
        return ""


def too_many_filters() -> str:
    return _("These filters are too long for a subscription: choose fewer places or a shorter search.")


def hidden_filters(filterset) -> list[tuple[str, str]]:
    return [(name, value) for name in SUBSCRIPTION_FILTERS for value in filterset.data.getlist(name)]


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe_view(request):
    """`/nhan-tin/`: the form for the filters in the query (a listing's link), and the POST that asks."""
    data = request.POST if request.method == "POST" else request.GET
    filterset = subscription_filterset(data)
    filters_valid = filterset.is_valid()
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    context = {
        "form": form,
        "filterset": filterset,
        "hidden": hidden_filters(filterset),
        "filters": describe_filters(canonical_filters(filterset)) if filters_valid else [],
    }
    if request.method == "GET":
        return TemplateResponse(request, "events/subscription/subscribe.html", context)
    if over_limit(request, "subscription", settings.SUBSCRIPTION_RATE_LIMIT):
        context["refusal"] = _(
            "Too many requests were sent from your connection in a short time. "
            "Please wait a while and try again."
        )
        return TemplateResponse(request, "events/subscription/subscribe.html", context, status=429)
    if filters_valid and len(canonical_filters(filterset)) > MAX_FILTERS_LENGTH:
        context["refusal"] = too_many_filters()
        filters_valid = False
    if not (form.is_valid() and filters_valid):
        return TemplateResponse(request, "events/subscription/subscribe.html", context, status=400)
    language = get_language() or settings.LANGUAGE_CODE
    mail_due = subscribe(form.cleaned_data["email"], canonical_filters(filterset), language)
    if mail_due is not None:
        transaction.on_commit(lambda: send_confirmation_mail.enqueue(mail_due))
    return see_other(reverse("subscription-sent"))


@never_cache
def subscribe_sent_view(request):
    """`/nhan-tin/da-gui/`: the same words whatever the address (no telling who is subscribed)."""
    return TemplateResponse(request, "events/subscription/sent.html", {})


@never_cache
@require_http_methods(["GET", "POST"])
def confirm_view(request, token: str):
    """`/nhan-tin/xac-nhan/<token>/`: GET shows what the link confirms and a button; POST confirms."""
    address = address_of_confirm_token(token)
    waiting = waiting_for(address) if address else []
    context = {"token": token, "subscriptions": [(item, describe_filters(item.filters)) for item in waiting]}
    if address is None:
        return TemplateResponse(request, "events/subscription/invalid.html", context, status=404)
    if request.method == "POST":
        confirmed = confirm(address)
        context["confirmed"] = [
            (describe_filters(item.filters), reverse("subscription", args=[manage_token("s", item.pk)]))
            for item in confirmed
        ]
        return TemplateResponse(request, "events/subscription/confirmed.html", context)
    return TemplateResponse(request, "events/subscription/confirm.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def manage_view(request, token: str):
    """`/nhan-tin/<token>/`: the subscription's filters, a form to change them, and the way out. For a
    registration's token: what it is sent, and the way to stop it."""
    managed = managed_by(token)
    if managed is None:
        return TemplateResponse(request, "events/subscription/invalid.html", {}, status=404)
    context = {"token": token, "managed": managed}
    subscription = managed.subscription
    if subscription is None or subscription.has_ended or not subscription.is_confirmed:
        return TemplateResponse(request, "events/subscription/manage.html", context)
    filterset = subscription_filterset(
        request.POST if request.method == "POST" else QueryDict(subscription.filters)
    )
    status = 200
    if request.method == "POST":
        if filterset.is_valid() and len(canonical_filters(filterset)) > MAX_FILTERS_LENGTH:
            context["refusal"] = too_many_filters()
            status = 400
        elif filterset.is_valid() and change_filters(subscription, canonical_filters(filterset)):
            context["saved"] = True
        elif filterset.is_valid():
            context["refusal"] = _("You already have a subscription with these filters.")
            status = 409
        else:
            status = 400
    context.update(
        filterset=filterset,
        fields=[field for field in filterset.form if field.name in SUBSCRIPTION_FILTERS],
        filters=describe_filters(subscription.filters),
    )
    return TemplateResponse(request, "events/subscription/manage.html", context, status=status)


@csrf_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def end_view(request, token: str):
    """`/nhan-tin/<token>/huy/`: POST ends the subscription (or a registration's messages) at once, as a
    mail program's one-click unsubscribe does; GET asks first (mail scanners open links)."""
    managed = managed_by(token)
    if managed is None:
        return TemplateResponse(request, "events/subscription/invalid.html", {}, status=404)
    context = {"token": token, "managed": managed}
    if request.method == "POST":
        if managed.subscription is not None and not managed.subscription.has_ended:
            end(managed.subscription)
        elif managed.registration is not None and managed.registration.email:
            stop_registration_mail(managed.registration)
        context["ended"] = True
    return TemplateResponse(request, "events/subscription/end.html", context)
