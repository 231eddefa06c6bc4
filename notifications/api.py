"""The API of notifications: your own, newest first; mark one or all read."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, permissions, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions import policy

from .emails import absolute
from .kinds import Kind
from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind = serializers.ChoiceField(choices=Kind.choices)
    text = serializers.CharField(help_text="The notification in the request's language.")
    competition = serializers.SlugRelatedField(slug_field="slug", read_only=True,
                                               allow_null=True)
    link = serializers.SerializerMethodField(help_text="Where to look, or empty.")
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "text", "competition", "link", "created_at", "read",
                  "read_at"]

    def get_link(self, notification) -> str:
        return absolute(notification.link) if notification.link else ""

    def get_read(self, notification) -> bool:
        return notification.read_at is not None


UNREAD = {"true": True, "false": False}  # exactly the schema's enum


class NotificationList(generics.ListAPIView):
    """Your notifications, newest first (`unread=true`: only those not read yet)."""

    serializer_class = NotificationSerializer
    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    def get_queryset(self):
        notifications = policy.notifications_of(self.request.user).select_related(
            "competition")
        unread = self.request.query_params.get("unread")
        if unread is None:
            return notifications
        if unread not in UNREAD:
            raise ValidationError({"unread": _('Choose "true" or "false".')})
        return notifications.unread() if UNREAD[unread] else notifications

    @extend_schema(parameters=[OpenApiParameter(
        "unread", OpenApiTypes.STR, enum=["true", "false"],
        description="Only unread ones (true) or all (false, the default).")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class MarkRead(APIView):
    """Mark one of your notifications read."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(operation_id="notifications_read_one", request=None,
                   responses={200: NotificationSerializer})
    def post(self, request, notification_id):
        notification = policy.notification_for(request.user, notification_id)
        policy.notifications_of(request.user).filter(pk=notification.pk).mark_read()
        notification.refresh_from_db()
        return Response(NotificationSerializer(notification).data)


class MarkAllRead(APIView):
    """Mark all your notifications read; how many were unread."""

    permission_classes = [permissions.IsAuthenticated]
    throttle_scope = "read"

    @extend_schema(operation_id="notifications_read_all", request=None,
                   responses={200: inline_serializer(
        "MarkedRead", {"marked": serializers.IntegerField()})})
    def post(self, request):
        return Response({"marked": policy.notifications_of(request.user).mark_read()})
