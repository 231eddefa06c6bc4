"""Hosts' webhooks in the admin: each competition's organizers set its URL and secret and
read the delivery log; nobody else sees either (competitions.admin's organizer scoping)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from competitions import policy
from competitions.admin import OrganizerScopedAdmin

from .models import Webhook, WebhookDelivery


@admin.register(Webhook)
class WebhookAdmin(OrganizerScopedAdmin):
    list_display = ["competition", "url", "is_active", "created_at"]
    fields = ["competition", "url", "secret", "is_active"]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OrganizerScopedAdmin):
    """The delivery log: read only."""

    competition_field = "webhook__competition"
    list_display = ["created_at", "competition", "event", "status", "attempts",
                    "response_status", "error", "delivered_at"]
    list_filter = ["status", "event"]
    readonly_fields = ["webhook", "event", "event_key", "payload", "status", "attempts",
                       "response_status", "error", "created_at", "delivered_at",
                       "next_attempt_at"]

    @admin.display(description=_("competition"))
    def competition(self, delivery):
        return delivery.webhook.competition

    def _organizes(self, request, obj) -> bool:
        if obj is None:
            return policy.may_use_admin(request.user)
        return policy.organizes(request.user, obj.webhook.competition)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
