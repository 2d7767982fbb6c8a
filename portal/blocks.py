"""The StreamField blocks of the portal's pages (a story's body), each with its template, icon and preview.

A picture's words are a field of the block and required: an image's title is often its file name, which
tells a screen-reader user nothing (the same rule as the pages' photos, `core.photos`).
"""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]


class ParagraphBlock(blocks.RichTextBlock):
    def __init__(self, **kwargs):
        kwargs.setdefault("features", RICH_TEXT_FEATURES)
        super().__init__(**kwargs)

    class Meta:
        icon = "pilcrow"
        label = _("Paragraph")
        template = "blocks/paragraph.html"
        description = _("Text, with headings, lists and links.")
        preview_value = (
            "<p>Câu lạc bộ đọc sách họp mỗi sáng thứ Bảy; các em mượn sách về nhà và kể lại cho cả lớp.</p>"
        )


class StoryImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(
        label=_("What the photo shows"),
        max_length=250,
        help_text=_("Read aloud to people who cannot see the photo: what it shows, in a sentence. Required."),
    )
    caption = blocks.CharBlock(
        label=_("Caption"), max_length=250, required=False, help_text=_("Shown under the photo (optional).")
    )

    class Meta:
        icon = "image"
        label = _("Image")
        template = "blocks/story_image.html"
        description = _("A photo with the sentence that says what it shows, and a caption if wanted.")


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("Quotation"))
    attribution = blocks.CharBlock(
        label=_("Who said it"),
        max_length=200,
        help_text=_("A name and role, as the person agreed to be quoted (e.g. “Chủ nhiệm câu lạc bộ”)."),
    )

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "blocks/quote.html"
        description = _("Words of a member, a teacher or a librarian, with who said them.")
        preview_value = {
            "text": "Từ ngày có câu lạc bộ, các cháu đọc sách nhiều hơn xem điện thoại.",
            "attribution": "Một phụ huynh",
        }


class FigureBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("What is counted"), max_length=100)
    value = blocks.CharBlock(
        label=_("Figure"), max_length=40, help_text=_("A number or a short text: 120, 3 years.")
    )

    class Meta:
        icon = "order"
        label = _("Figure")


class KeyFiguresBlock(blocks.StructBlock):
    figures = blocks.ListBlock(
        FigureBlock(),
        min_num=1,
        label=_("Figures"),
        help_text=_(
            "Counts about the programme (members, sessions a year, books lent): nothing about a person."
        ),
    )

    class Meta:
        icon = "table"
        label = _("Key figures")
        template = "blocks/key_figures.html"
        description = _("A few figures of the programme, each with what it counts.")
        preview_value = {
            "figures": [
                {"label": "Thành viên", "value": "45"},
                {"label": "Buổi sinh hoạt mỗi năm", "value": "48"},
            ]
        }


class StoryBodyBlock(blocks.StreamBlock):
    paragraph = ParagraphBlock()
    image = StoryImageBlock()
    quote = QuoteBlock()
    figures = KeyFiguresBlock()

    class Meta:
        label = _("Body")
