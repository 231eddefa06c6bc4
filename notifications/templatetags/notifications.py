from django import template

from competitions import policy

register = template.Library()


@register.simple_tag
def unread_notifications(user) -> int:
    """The bell's number: the reader's own unread notifications."""
    if not user.is_authenticated:
        return 0
    return policy.notifications_of(user).unread().count()
