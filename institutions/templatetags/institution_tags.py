from django import template

register = template.Library()


@register.simple_tag
def is_open_at(institution, at) -> bool:
    """Templates cannot pass arguments to `is_open`; this tag does."""
    return institution.is_open(at)
