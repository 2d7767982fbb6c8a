"""A page's photo and the words that stand for it (issue 27): institutions and events carry one.

The alternative text is a field of the page, written by the editor and required with a photo: an image's
title is often its file name ("IMG_2041.jpg"), which tells a screen-reader user nothing.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel

# A card's thumbnail, at the size shown and twice that for sharp screens
# (templates/components/thumbnail.html).
THUMBNAIL_SPECS = ["fill-120x90", "fill-240x180"]


class PhotoMixin(models.Model):
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(
        _("what the photo shows"),
        max_length=250,
        blank=True,
        help_text=_(
            "Read aloud to people who cannot see the photo: what it shows, in a sentence "
            "(“Children reading at the library's long table”). Required with a photo."
        ),
    )

    class Meta:
        abstract = True

    def clean_photo(self):
        if self.image_id and not self.image_alt.strip():
            raise ValidationError(
                {"image_alt": _("Say in a sentence what the photo shows, for people who cannot see it.")}
            )


def photo_panel() -> MultiFieldPanel:
    return MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Photo"))


def with_thumbnails(pages):
    """`pages` with their photos and the photos' thumbnails read in two queries, not two per card."""
    from wagtail.images import get_image_model

    images = get_image_model().objects.prefetch_renditions(*THUMBNAIL_SPECS)
    return pages.prefetch_related(Prefetch("image", queryset=images))
