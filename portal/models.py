"""The home page: the site's root, with entries to the directory and the calendar."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

from events.models import Campaign, EventIndexPage, Session, SessionStatus
from institutions.models import InstitutionIndexPage, InstitutionPage

__all__ = ["HomePage"]


class HomePage(Page):
    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["institutions.InstitutionIndexPage", "events.EventIndexPage"]
    max_count = 1
    template = "pages/home_page.html"

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
            this_week=list(
                Session.objects.for_listing()
                .exclude(status=SessionStatus.CANCELLED)
                .between(today, week_end)
                .upcoming()[:8]
            ),
            week_end=week_end,
            campaigns=list(Campaign.objects.running_on(today)),
        )
        return context
