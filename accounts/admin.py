"""Profiles in the admin: for superusers (Django's model permissions; organizers have none
here), e.g. to correct a display name."""

from django.contrib import admin

from .models import Profile


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "display_name", "language", "deleted_at"]
    search_fields = ["user__username", "display_name"]
    list_filter = ["language"]
    raw_id_fields = ["user"]
    readonly_fields = ["deleted_at"]
