from django.urls import path

from . import views

urlpatterns = [
    path("u/<str:username>/", views.profile, name="profile"),
    path("account/display-name/", views.display_name, name="account_display_name"),
    path("account/time-zone/", views.time_zone, name="account_time_zone"),
    path("account/delete/", views.delete, name="account_delete"),
]
