from django import template

from accounts import names

register = template.Library()


@register.filter
def display_name(user) -> str:
    """`{{ user|display_name }}`: the display name, else the username."""
    return names.display_name(user)
