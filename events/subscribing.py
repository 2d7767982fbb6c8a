"""Email subscriptions to a listing's filters (SPEC §11): asking, confirming, changing and ending.

Double opt-in: asking stores the subscription and queues one confirmation mail; nothing else is sent
before its link is opened and the page's button pressed (mail scanners open links, they do not press
buttons). The confirmation link names the address by a keyed hash, signed with the time it was made: it
confirms what that address asked within `UNCONFIRMED_DAYS`, so one address asking again is sent nothing
more while its first mail is fresh.

The link of a subscription's page (`/nhan-tin/<token>/`) and of its one-click unsubscribe is signed,
not stored: each digest carries it. The same links stop a registrant's messages about their registration.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing
from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone

from .filters import SessionFilter
from .listing import chip_label
from .models import (
    SUBSCRIPTION_CONSENT_VERSION,
    UNCONFIRMED_DAYS,
    Registration,
    Subscription,
    address_key,
)

# The listing's filters a subscription keeps: what a week's sessions are chosen by. Dates, distance
# ordering, pages and views belong to one visit of the listing, not to a weekly digest.
SUBSCRIPTION_FILTERS = [
    "q",
    "kind",
    "audience",
    "topic",
    "campaign",
    "institution",
    "institution_kind",
    "area",
    "free",
    "registration",
]
CONFIRM_SALT = "events.subscription.confirm"
MANAGE_SALT = "events.subscription.manage"
# A confirmation mail is sent again to an address that asks again only after this long.
CONFIRMATION_RESEND = dt.timedelta(hours=24)
# The longest filters a subscription keeps (its column's size).
MAX_FILTERS_LENGTH = 2000


def subscription_filterset(data) -> SessionFilter:
    """The listing's filter set over the filters a subscription keeps (any other parameter is ignored)."""
    kept = QueryDict(mutable=True)
    for name in SUBSCRIPTION_FILTERS:
        values = [value.strip() for value in data.getlist(name) if value.strip()]
        if values:
            kept.setlist(name, values)
    return SessionFilter(kept)


def canonical_filters(filterset: SessionFilter) -> str:
    """The filters as one query string, the same for the same choice however it was written (order,
    repeats): subscriptions with identical filters are grouped by it."""
    data = filterset.data
    kept = QueryDict(mutable=True)
    for name in SUBSCRIPTION_FILTERS:
        values = sorted(set(data.getlist(name)))
        if name == "free" and filterset.form.cleaned_data.get("free") is None:
            values = []
        if values:
            kept.setlist(name, values)
    return kept.urlencode()


def describe_filters(filters: str) -> list[str]:
    """The filters as the listing's chips say them ("Thư viện", "Miễn phí", …): empty for every session."""
    filterset = SessionFilter(QueryDict(filters))
    filterset.is_valid()
    form = filterset.form
    labels = []
    for name, field in form.fields.items():
        for value in filterset.data.getlist(name):
            labels.append(chip_label(name, field, value, form.cleaned_data.get(name)))
    return labels


# Tokens


def confirm_token(email: str) -> str:
    return signing.TimestampSigner(salt=CONFIRM_SALT).sign_object({"a": address_key(email)})


def address_of_confirm_token(token: str) -> str | None:
    """The address key a confirmation link names; None for a forged or expired link."""
    try:
        value = signing.TimestampSigner(salt=CONFIRM_SALT).unsign_object(
            token, max_age=dt.timedelta(days=UNCONFIRMED_DAYS)
        )
    except (signing.BadSignature, ValueError):
        return None
    return value.get("a") if isinstance(value, dict) else None


def manage_token(kind: str, pk: int) -> str:
    """The secret of a subscription's page (`s`) or of a registration's messages (`r`)."""
    return signing.Signer(salt=MANAGE_SALT).sign_object([kind, pk])


@dataclass
class Managed:
    """What a manage link names: a subscription, or a registration whose messages it can stop."""

    subscription: Subscription | None = None
    registration: Registration | None = None


def managed_by(token: str) -> Managed | None:
    try:
        kind, pk = signing.Signer(salt=MANAGE_SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if kind == "s":
        subscription = Subscription.objects.filter(pk=pk).first()
        return Managed(subscription=subscription) if subscription else None
    if kind == "r":
        registration = Registration.objects.select_related("event", "session").filter(pk=pk).first()
        return Managed(registration=registration) if registration else None
    return None


# Asking, confirming, changing, ending


def subscribe(email: str, filters: str, language: str) -> int | None:
    """Store the request (or find the same one); returns the subscription whose confirmation mail is due
    (the caller queues it once committed), or None: an address already subscribed to the filters, or
    whose last confirmation mail is fresh, is sent nothing."""
    email = email.strip().lower()
    now = timezone.now()
    key = address_key(email)
    with transaction.atomic():
        # The address's requests are locked: two requests at the same moment send one mail, not two.
        waiting = list(Subscription.objects.unconfirmed().filter(address=key).select_for_update())
        try:
            with transaction.atomic():
                subscription, created = Subscription.objects.get_or_create(
                    email=email,
                    filters=filters,
                    ended_at=None,
                    defaults={
                        "address": key,
                        "language": language,
                        "consent_version": SUBSCRIPTION_CONSENT_VERSION,
                    },
                )
        except IntegrityError:  # the same request at the same moment
            subscription = Subscription.objects.get(email=email, filters=filters, ended_at=None)
            created = False
        if subscription.is_confirmed:
            return None
        stale = now - dt.timedelta(days=UNCONFIRMED_DAYS)
        if not created and subscription.created_at < stale:
            # Asked again after its confirmation link expired (and before the nightly deletion): anew.
            Subscription.objects.filter(pk=subscription.pk).update(created_at=now, confirmation_sent_at=None)
            waiting = [item for item in waiting if item.pk != subscription.pk]
        # One mail confirms everything the address asked: none while the last one is fresh.
        if any(
            item.confirmation_sent_at and item.confirmation_sent_at > now - CONFIRMATION_RESEND
            for item in waiting
        ):
            return None
        Subscription.objects.unconfirmed().filter(address=key).update(confirmation_sent_at=now)
    return subscription.pk


def waiting_for(address: str) -> list[Subscription]:
    """The subscriptions a confirmation link confirms: not confirmed yet, asked within its lifetime."""
    since = timezone.now() - dt.timedelta(days=UNCONFIRMED_DAYS)
    return list(
        Subscription.objects.unconfirmed().filter(address=address, created_at__gte=since).order_by("pk")
    )


def confirm(address: str) -> list[Subscription]:
    subscriptions = waiting_for(address)
    Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).update(confirmed_at=timezone.now())
    return subscriptions


def end(subscription: Subscription) -> None:
    """End the subscription and erase its address; the row stays, so that the counts do. A request not
    confirmed yet ends with every other request of its address (one confirmation mail covered them all)."""
    ending = Subscription.objects.filter(pk=subscription.pk)
    if not subscription.is_confirmed and subscription.address:
        ending = Subscription.objects.unconfirmed().filter(address=subscription.address)
    ending.update(email="", address="", ended_at=timezone.now())


def stop_registration_mail(registration: Registration) -> None:
    """A registrant asked for no more messages: their address is erased, their seats stay."""
    Registration.objects.filter(pk=registration.pk).update(email="")


def change_filters(subscription: Subscription, filters: str) -> bool:
    """Give a running subscription other filters; False when the address already has those."""
    if filters == subscription.filters:
        return True
    if (
        Subscription.objects.filter(email=subscription.email, filters=filters, ended_at=None)
        .exclude(pk=subscription.pk)
        .exists()
    ):
        return False
    Subscription.objects.filter(pk=subscription.pk).update(filters=filters)
    subscription.filters = filters
    return True


def delete_unconfirmed(now: dt.datetime | None = None) -> int:
    """Delete what was not confirmed within `UNCONFIRMED_DAYS` (with its address)."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=UNCONFIRMED_DAYS)
    deleted, _by_model = Subscription.objects.unconfirmed().filter(created_at__lt=cutoff).delete()
    return deleted
