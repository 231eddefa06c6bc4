from django.urls import path

from . import account, host_views, views
from .insight import views as insight
from .models import Board

urlpatterns = [
    path("", views.competition_list, name="competition_list"),
    path("account/", account.account, name="account"),
    path("account/token/", account.account_token, name="account_token"),
    path("c/<slug:slug>/", views.competition_overview, name="competition_overview"),
    path("c/<slug:slug>/join/", views.competition_join, name="competition_join"),
    path("c/<slug:slug>/data/", views.competition_data, name="competition_data"),
    path("c/<slug:slug>/data/<str:name>", views.data_file_download, name="data_file_download"),
    path("c/<slug:slug>/gallery/<int:pk>.png", views.gallery_image, name="gallery_image"),
    path("c/<slug:slug>/submit/", views.submission_new, name="submission_new"),
    path("c/<slug:slug>/submissions/", views.submission_list, name="submission_list"),
    path("c/<slug:slug>/leaderboard/", views.leaderboard, name="leaderboard"),
    path("c/<slug:slug>/leaderboard/private/", views.leaderboard, {"board": Board.PRIVATE},
         name="private_leaderboard"),
    path("c/<slug:slug>/submissions/<int:pk>/insight/", insight.submission_insight,
         name="submission_insight"),
    path("c/<slug:slug>/submissions/compare/", insight.submission_compare,
         name="submission_compare"),
    path("c/<slug:slug>/report/", insight.report, name="report"),
    path("c/<slug:slug>/analytics/", insight.analytics, name="analytics"),
    path("c/<slug:slug>/test-images/<path:image_id>", insight.test_image, name="test_image"),
    path("submissions/<int:pk>/file", views.submission_file, name="submission_file"),
    path("submissions/<int:pk>/final", views.submission_final, name="submission_final"),
    path("host/", host_views.host_index, name="host_index"),
    path("host/new/", host_views.build_new, name="build_new"),
    path("host/builds/<int:pk>/", host_views.build_status, name="build_status"),
    path("c/<slug:slug>/host/", host_views.host_manage, name="host_manage"),
    path("c/<slug:slug>/host/close/", host_views.host_close, name="host_close"),
    path("c/<slug:slug>/host/invite-code/", host_views.host_invite_code,
         name="host_invite_code"),
    path("invite/", host_views.invite_enter, name="invite_enter"),
    path("invite/<str:code>/", host_views.invite, name="invite"),
    path("staff/files/<path:path>", views.staff_private_file, name="staff_private_file"),
]
