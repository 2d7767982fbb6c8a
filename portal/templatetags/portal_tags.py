from django import template
from django.urls import translate_url

from core.text import number

register = template.Library()
register.filter("number", number)


@register.simple_tag(takes_context=True)
def translated_url(context, language_code: str) -> str:
    """The current page in another language (Vietnamese unprefixed, English under /en/)."""
    request = context["request"]
    return translate_url(request.get_full_path(), language_code)
