from django.urls import path

from . import api

urlpatterns = [
    path("notifications/", api.NotificationList.as_view(), name="notification-list"),
    path("notifications/read/", api.MarkAllRead.as_view(), name="notification-read-all"),
    path("notifications/<int:notification_id>/read/", api.MarkRead.as_view(),
         name="notification-read"),
]
