from django.urls import path

from . import views

urlpatterns = [
    path("c/<slug:slug>/discussion/", views.thread_list, name="discussion"),
    path("c/<slug:slug>/discussion/new/", views.thread_new, name="discussion_new"),
    path("c/<slug:slug>/discussion/<int:pk>/", views.thread_detail, name="discussion_thread"),
    path("c/<slug:slug>/discussion/<int:pk>/lock/", views.thread_lock,
         name="discussion_lock"),
    path("c/<slug:slug>/discussion/posts/<int:pk>/edit/", views.post_edit,
         name="discussion_post_edit"),
    path("c/<slug:slug>/discussion/posts/<int:pk>/delete/", views.post_delete,
         name="discussion_post_delete"),
    path("c/<slug:slug>/discussion/posts/<int:pk>/answer/", views.post_answer,
         name="discussion_post_answer"),
    path("c/<slug:slug>/discussion/posts/<int:pk>/hide/", views.post_hide,
         name="discussion_post_hide"),
]
