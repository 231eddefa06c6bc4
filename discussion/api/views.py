"""The discussion API: threads and posts of a competition. Every decision is the policy's
(competitions.policy.discussion); refusals become JSON errors in one place."""

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, permissions, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from competitions import policy
from competitions.api.schema import refused
from competitions.policy.drf import CompetitionScoped, CompetitionVisible

from .. import services
from ..throttling import SCOPE
from .serializers import (
    AnswerSerializer,
    PostSerializer,
    PostWriteSerializer,
    ThreadCreateSerializer,
    ThreadSerializer,
)

MAY_NOT_POST = refused("not_joined", "organizers_only", "locked",
                       why="Not joined (nor organizing), an announcement by a participant, "
                           "or a locked thread.")
NOT_THE_AUTHOR = refused("not_author", "locked",
                         why="Not your post (or deleted or hidden), or a locked thread.")


class DiscussionView(CompetitionScoped):
    permission_classes = [permissions.IsAuthenticatedOrReadOnly, CompetitionVisible]
    parser_classes = [JSONParser]
    posting = False  # True where a POST writes a post (the posting rate limit applies)

    def get_throttles(self):
        # Posting has its own budget, shared with the pages; everything else is a read.
        self.throttle_scope = (SCOPE if self.request.method == "POST" and self.posting
                               else "read")
        return super().get_throttles()

    def get_thread(self):
        if not hasattr(self, "_thread"):
            self._thread = policy.thread_for(self.request.user, self.get_competition(),
                                             self.kwargs["pk"])
        return self._thread

    def get_post(self):
        return policy.post_for(self.request.user, self.get_competition(), self.kwargs["pk"])


@extend_schema_view(post=extend_schema(request=ThreadCreateSerializer, responses={
    201: ThreadSerializer, 403: MAY_NOT_POST}))
class ThreadList(DiscussionView, generics.ListCreateAPIView):
    """GET: the competition's threads, announcements first, then the most recently active.
    POST: start a thread (its text is the first post). Posting needs a participant or an
    organizer; announcements are the organizers'."""

    serializer_class = ThreadSerializer
    posting = True

    def get_queryset(self) -> QuerySet:
        return policy.visible_threads(self.request.user, self.get_competition())

    def post(self, request, slug):
        competition = self.get_competition()
        policy.posting_required(request.user, competition)
        incoming = ThreadCreateSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        if data["is_announcement"]:
            policy.announcing_required(request.user, competition)
        thread = services.thread_create(competition=competition, author=request.user,
                                        title=data["title"], body=data["body"],
                                        is_announcement=data["is_announcement"])
        body = ThreadSerializer(thread, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED, headers={"Location": body["url"]})


class ThreadDetail(DiscussionView, generics.RetrieveAPIView):
    """One thread (its posts are at `posts_url`)."""

    serializer_class = ThreadSerializer

    def get_object(self):
        return self.get_thread()


@extend_schema_view(post=extend_schema(request=PostWriteSerializer, responses={
    201: PostSerializer, 403: MAY_NOT_POST}))
class ThreadPosts(DiscussionView, generics.ListCreateAPIView):
    """GET: the thread's posts, oldest first (the opening post first). POST: reply."""

    serializer_class = PostSerializer
    posting = True

    def get_queryset(self) -> QuerySet:
        return self.get_thread().posts.select_related("author", "thread__competition")

    def post(self, request, slug, pk):
        thread = self.get_thread()
        policy.replying_required(request.user, thread)
        incoming = PostWriteSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        post = services.reply_create(thread=thread, author=request.user,
                                     body=incoming.validated_data["body"])
        return Response(PostSerializer(post, context={"request": request}).data,
                        status=status.HTTP_201_CREATED)


class PostDetail(DiscussionView, APIView):
    """One post: read it; its author edits (PATCH `body`) or deletes it (the thread keeps a
    placeholder)."""

    @extend_schema(responses={200: PostSerializer})
    def get(self, request, slug, pk):
        return Response(PostSerializer(self.get_post(), context={"request": request}).data)

    @extend_schema(request=PostWriteSerializer, responses={200: PostSerializer,
                                                          403: NOT_THE_AUTHOR})
    def patch(self, request, slug, pk):
        post = self.get_post()
        policy.editing_required(request.user, post)
        incoming = PostWriteSerializer(data=request.data, partial=True)
        incoming.is_valid(raise_exception=True)
        if "body" in incoming.validated_data:  # a PATCH without it changes nothing
            services.post_edit(post=post, body=incoming.validated_data["body"])
        return Response(PostSerializer(post, context={"request": request}).data)

    @extend_schema(responses={204: None, 403: refused("not_author", why="Not your post.")})
    def delete(self, request, slug, pk):
        post = self.get_post()
        policy.deleting_required(request.user, post)
        services.post_delete(post=post)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MarkAnswer(DiscussionView, APIView):
    """Mark a reply as its thread's answer (`{"answer": false}` unmarks it): the thread's
    author or an organizer."""

    @extend_schema(request=AnswerSerializer, responses={
        200: PostSerializer,
        403: refused("organizers_only",
                     why="Only the thread's author or an organizer chooses the answer."),
        409: refused("not_answerable",
                     why="The opening post, or a deleted or hidden reply.")})
    def post(self, request, slug, pk):
        post = self.get_post()
        policy.answer_choosing_required(request.user, post.thread)
        incoming = AnswerSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        try:
            services.answer_choose(post=post, answer=incoming.validated_data["answer"])
        except services.DiscussionRefused as refusal:
            return Response({"detail": str(refusal.message), "code": refusal.code},
                            status=status.HTTP_409_CONFLICT)
        return Response(PostSerializer(post, context={"request": request}).data)
