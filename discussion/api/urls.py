from django.urls import path

from . import views

app_name = "api-discussion"
urlpatterns = [
    path("competitions/<slug:slug>/threads/", views.ThreadList.as_view(), name="thread-list"),
    path("competitions/<slug:slug>/threads/<int:pk>/", views.ThreadDetail.as_view(),
         name="thread-detail"),
    path("competitions/<slug:slug>/threads/<int:pk>/posts/", views.ThreadPosts.as_view(),
         name="thread-posts"),
    path("competitions/<slug:slug>/posts/<int:pk>/", views.PostDetail.as_view(),
         name="post-detail"),
    path("competitions/<slug:slug>/posts/<int:pk>/answer/", views.MarkAnswer.as_view(),
         name="post-answer"),
]
