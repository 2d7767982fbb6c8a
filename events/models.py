"""Event pages and their sessions. This issue brings the listing page; events follow."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page

__all__ = ["EventIndexPage"]


class EventIndexPage(Page):
    """The listing of what is on. Created by a migration, so there is always exactly one."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    subpage_types: list[str] = []
    max_count = 1
    template = "pages/event_index_page.html"

    class Meta:
        verbose_name = _("event listing")
        verbose_name_plural = _("event listings")
