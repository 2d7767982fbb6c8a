from django.utils.translation import gettext_lazy as _
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .models import Campaign, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    menu_label = _("Topics")
    list_display = ["name", "name_en", "slug"]
    search_fields = ["name", "name_en"]
    search_backend_name = None


class CampaignViewSet(SnippetViewSet):
    model = Campaign
    icon = "date"
    menu_label = _("Campaigns")
    list_display = ["name", "starts_on", "ends_on", "observance"]
    list_filter = ["observance"]
    search_fields = ["name", "name_en"]
    search_backend_name = None


class EventDataGroup(SnippetViewSetGroup):
    menu_label = _("Event data")
    menu_icon = "date"
    menu_order = 290
    items = (TopicViewSet, CampaignViewSet)


register_snippet(EventDataGroup)
