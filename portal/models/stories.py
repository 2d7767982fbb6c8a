"""Good models (SPEC §12; the plan's "biểu dương, nhân rộng mô hình tốt"): stories about an exemplary
club, library or programme, and the list of them.

A story is a page under its institution's page, so the institution's editors write it with the page
permissions they have on their institution's subtree, and the province reviews it through the same
workflow as their events (`institutions.signals`). Its institution counts as linked; editors may link
more, and campaigns. Beside the text it shows each linked institution's figures of the last complete
year, from the yearly report's tallies (`portal.yearly_report.figures_of`): counts, never people.
"""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.db import models
from django.db.models import Exists, F, OuterRef, Subquery
from django.db.models.functions import Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.photos import PhotoMixin, photo_panel, with_thumbnails
from core.public_cache import cache_publicly
from core.sites import KnownViewRestrictions
from core.text import AsciiSlugMixin
from events.models import Campaign
from institutions.models import Commendation, InstitutionPage

from ..blocks import StoryBodyBlock
from ..filters import StoryFilter
from ..yearly_report import figures_of

# How many commendations the list of stories shows: the latest first.
LATEST_COMMENDATIONS = 10


class StoryIndexPage(KnownViewRestrictions, Page):
    """The good models: every live story, newest first, with filters, and the latest commendations.
    Created by a migration under the home page (`mo-hinh-tot`), so there is always exactly one."""

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["portal.HomePage"]
    subpage_types: list[str] = []
    max_count = 1
    template = "pages/story_index_page.html"
    # Public by nature: view restrictions are refused (README, "Private pages").
    private_page_options: list[str] = []
    page_size = 12

    class Meta:
        verbose_name = _("list of good models")
        verbose_name_plural = _("lists of good models")

    def stories(self) -> StoryPageQuerySet:
        return StoryPage.objects.live().newest_first().with_institution()

    def commendations(self, year: int | None = None):
        """The latest commendations that may be shown (`Commendation.objects.public`), of `year` if given."""
        shown = Commendation.objects.public().select_related("institution")
        if year is not None:
            shown = shown.filter(year=year)
        return shown[:LATEST_COMMENDATIONS]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        filterset = StoryFilter(request.GET or None, queryset=self.stories())
        paginator = Paginator(with_thumbnails(filterset.qs), self.page_size)
        year = (
            filterset.form.cleaned_data.get("year") if filterset.is_bound and filterset.is_valid() else None
        )
        context.update(
            filterset=filterset,
            page_obj=paginator.get_page(request.GET.get("page")),
            paginator=paginator,
            commendation_year=year,
            commendations=self.commendations(year),
        )
        return context

    def serve(self, request, *args, **kwargs):
        # The same for every visitor; a publication or a commendation's change moves the version on. A
        # filter that could not be read (a year of junk) is answered but not kept: junk fills no memory.
        response = super().serve(request, *args, **kwargs)
        filterset = getattr(response, "context_data", {}).get("filterset")
        if filterset is None or not filterset.is_bound or filterset.is_valid():
            cache_publicly(response, settings.PUBLIC_CACHE_SECONDS)
        return response


class StoryPageQuerySet(PageQuerySet):
    def newest_first(self) -> StoryPageQuerySet:
        return self.order_by("-date", "-pk")

    def with_institution(self) -> StoryPageQuerySet:
        """Each story with the name of the institution it is written under (`institution_title`), for the
        cards: in the same query, not one a story."""
        parent = InstitutionPage.objects.filter(
            path=Substr(OuterRef("path"), 1, (OuterRef("depth") - 1) * Page.steplen)
        )
        return self.annotate(institution_title=Subquery(parent.values("title")[:1]))

    def linked_to(self, institutions) -> StoryPageQuerySet:
        """Stories linked to any of `institutions` (a query): written under one of them, or linking one."""
        parent_path = Substr("path", 1, (F("depth") - 1) * Page.steplen)
        links = StoryInstitution.objects.filter(page=OuterRef("pk"), institution__in=institutions)
        return self.alias(parent_path=parent_path).filter(
            Exists(institutions.filter(path=OuterRef("parent_path"))) | Exists(links)
        )


StoryPageManager = PageManager.from_queryset(StoryPageQuerySet)


class StoryPage(KnownViewRestrictions, AsciiSlugMixin, PhotoMixin, Page):
    """A good model: an exemplary club, library or programme, told by its institution."""

    date = models.DateField(
        _("date"), default=timezone.localdate, help_text=_("The story's date: lists show the newest first.")
    )
    intro = models.TextField(
        _("summary"),
        max_length=400,
        help_text=_("Two or three sentences, shown in the lists and on the home page."),
    )
    body = StreamField(StoryBodyBlock(), verbose_name=_("story"))
    campaigns = ParentalManyToManyField(
        Campaign,
        verbose_name=_("campaigns"),
        blank=True,
        related_name="stories",
        help_text=_("The campaigns the programme took part in, if any."),
    )

    objects = StoryPageManager()

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("intro"),
        photo_panel(),
        FieldPanel("body"),
        MultiFieldPanel(
            [
                InlinePanel(
                    "linked_institutions",
                    label=_("Other institution"),
                    help_text=_(
                        "The institution this story is written under is linked already; add the others "
                        "that run the programme with it."
                    ),
                ),
                FieldPanel("campaigns"),
            ],
            heading=_("Linked to"),
        ),
    ]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["institutions.InstitutionPage"]
    subpage_types: list[str] = []
    template = "pages/story_page.html"
    # Public by nature: view restrictions are refused (README, "Private pages").
    private_page_options: list[str] = []

    class Meta:
        verbose_name = _("good model story")
        verbose_name_plural = _("good model stories")

    def clean(self):
        super().clean()
        self.clean_photo()

    def institutions(self) -> list[InstitutionPage]:
        """The institution the story is written under, then the others it links (live ones, each once)."""
        found = list(InstitutionPage.objects.parent_of(self).select_related("unit")) if self.path else []
        linked = [link.institution_id for link in self.linked_institutions.all() if link.institution_id]
        others = InstitutionPage.objects.live().filter(pk__in=linked).select_related("unit").in_bulk()
        for pk in linked:
            if pk in others and all(institution.pk != pk for institution in found):
                found.append(others[pk])
        return found

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        institutions = self.institutions()
        # The last complete year: this year's figures are still being entered.
        year = timezone.localdate().year - 1
        figures = figures_of(year, InstitutionPage.objects.filter(pk__in=[i.pk for i in institutions]))
        context.update(
            figures_year=year,
            linked=[(institution, figures[institution.pk]) for institution in institutions],
        )
        return context

    def serve(self, request, *args, **kwargs):
        # The same for every visitor, figures included: kept in the public cache as the other pages are.
        return cache_publicly(super().serve(request, *args, **kwargs), settings.PUBLIC_CACHE_SECONDS)


class StoryInstitution(Orderable):
    """Another institution a story is about (its own institution, the parent page, is linked already)."""

    page = ParentalKey(StoryPage, on_delete=models.CASCADE, related_name="linked_institutions")
    institution = models.ForeignKey(
        InstitutionPage, verbose_name=_("institution"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("institution")]

    class Meta(Orderable.Meta):
        verbose_name = _("linked institution")
        verbose_name_plural = _("linked institutions")

    def __str__(self) -> str:
        return str(self.institution)
