"""The events' models, one module each by what they hold; import them from here."""

from .attendance import Attendance
from .checkins import CheckIn, CheckInKind
from .feed_entries import FeedEntry
from .pages import EventDate, EventIndexPage, EventPage, EventPageQuerySet, SessionChange, new_uid, venue_text
from .registrations import CONSENT_VERSION, Registration, RegistrationStatus, Reminder, new_token, token_hash
from .sessions import (
    LONG_SESSION,
    NOT_HELD_YET,
    ListedEvent,
    ListedInstitution,
    ListedSession,
    Session,
    SessionQuerySet,
    is_long,
    local_midnight,
)
from .subscriptions import (
    SUBSCRIPTION_CONSENT_VERSION,
    UNCONFIRMED_DAYS,
    MailDelivery,
    MailKind,
    MailStatus,
    Subscription,
    address_key,
)
from .tallies import SessionTally
from .vocabulary import Audience, Campaign, CampaignQuerySet, Observance, Topic

__all__ = [
    "SUBSCRIPTION_CONSENT_VERSION",
    "UNCONFIRMED_DAYS",
    "MailDelivery",
    "MailKind",
    "MailStatus",
    "Subscription",
    "address_key",
    "LONG_SESSION",
    "NOT_HELD_YET",
    "Attendance",
    "Audience",
    "CheckIn",
    "CheckInKind",
    "Campaign",
    "CampaignQuerySet",
    "EventDate",
    "EventIndexPage",
    "EventPage",
    "EventPageQuerySet",
    "FeedEntry",
    "ListedEvent",
    "ListedInstitution",
    "ListedSession",
    "Observance",
    "CONSENT_VERSION",
    "Registration",
    "RegistrationStatus",
    "Reminder",
    "new_token",
    "token_hash",
    "Session",
    "SessionChange",
    "SessionQuerySet",
    "SessionTally",
    "Topic",
    "is_long",
    "local_midnight",
    "new_uid",
    "venue_text",
]
