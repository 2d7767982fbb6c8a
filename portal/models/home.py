"""The home page: the site's root, with entries to the directory, the calendar and the good models."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from core.photos import with_thumbnails
from core.sites import KnownViewRestrictions
from events.choices import SessionStatus
from events.models import Campaign, EventIndexPage, Session
from institutions.models import InstitutionIndexPage, InstitutionPage

from .stories import StoryIndexPage, StoryPage

# How many of the latest stories the home page shows.
LATEST_STORIES = 3


class HomePage(KnownViewRestrictions, Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["institutions.InstitutionIndexPage", "events.EventIndexPage", "portal.StoryIndexPage"]
    max_count = 1
    template = "pages/home_page.html"
    # Public by nature: view restrictions are refused (README, "Private pages").
    private_page_options: list[str] = []

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        today = timezone.localdate()
        week_end = today + dt.timedelta(days=6 - today.weekday())
        context.update(
            directory=InstitutionIndexPage.objects.live().first(),
            calendar=EventIndexPage.objects.live().first(),
            institution_count=InstitutionPage.objects.live().count(),
            this_week=(
                Session.objects.for_listing()
                .exclude(status=SessionStatus.CANCELLED)
                .between(today, week_end)
                .upcoming()[:8]
                .listed(request)
            ),
            week_end=week_end,
            campaigns=list(Campaign.objects.running_on(today)),
            good_models=StoryIndexPage.objects.live().first(),
            latest_stories=list(
                with_thumbnails(StoryPage.objects.live().newest_first().with_institution())[:LATEST_STORIES]
            ),
        )
        return context
