"""What the discussion API answers and reads."""

from django.core.validators import RegexValidator
from django.urls import reverse
from rest_framework import serializers

from competitions import policy
from competitions.api.serializers import StrictBooleanField
from competitions.templatetags.kompe import markdown

from ..models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH, Post, Thread


class ThreadSerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.get_username", allow_null=True,
                                   read_only=True, default=None,
                                   help_text="Null once the account is gone.")
    answer = serializers.IntegerField(source="answer_id", allow_null=True, read_only=True,
                                      help_text="The id of the reply marked as the answer.")
    url = serializers.SerializerMethodField()
    posts_url = serializers.SerializerMethodField()

    class Meta:
        model = Thread
        fields = ["id", "title", "author", "is_announcement", "is_locked", "answer",
                  "created_at", "last_posted_at", "url", "posts_url"]

    def get_url(self, thread: Thread) -> str:
        return self._link("api-discussion:thread-detail", thread)

    def get_posts_url(self, thread: Thread) -> str:
        return self._link("api-discussion:thread-posts", thread)

    def _link(self, name: str, thread: Thread) -> str:
        return self.context["request"].build_absolute_uri(
            reverse(name, args=[thread.competition.slug, thread.pk]))


class PostSerializer(serializers.ModelSerializer):
    """A post as this reader may see it: no text once deleted, nor (but for the
    organizers) once hidden."""

    author = serializers.CharField(source="author.get_username", allow_null=True,
                                   read_only=True, default=None)
    thread = serializers.IntegerField(source="thread_id", read_only=True)
    body = serializers.SerializerMethodField(help_text="The Markdown as written; null when "
                                             "deleted or hidden from you.")
    html = serializers.SerializerMethodField(help_text="The Markdown as safe HTML (no "
                                             "scripts, no remote images); null as `body`.")
    is_answer = serializers.SerializerMethodField()

    class Meta:
        model = Post
        fields = ["id", "thread", "author", "body", "html", "is_opening", "is_answer",
                  "is_deleted", "is_hidden", "created_at", "edited_at"]

    def get_body(self, post: Post) -> str | None:
        return policy.shown_body(self.context["request"].user, post)

    def get_html(self, post: Post) -> str | None:
        body = self.get_body(post)
        return None if body is None else str(markdown(body, post.thread.competition.slug))

    def get_is_answer(self, post: Post) -> bool:
        return post.thread.answer_id == post.pk


# Some text that is not all blank (DRF trims blanks, then refuses an empty text); the
# pattern says so in the schema. Unanchored: an outside fuzzer generates it quickly.
SOME_TEXT = RegexValidator(r"\S")


class StrictCharField(serializers.CharField):
    """A JSON string, nothing else (DRF's CharField also reads numbers as text). A NUL
    becomes U+FFFD, as HTML parsers read it: PostgreSQL keeps no NUL in text."""

    def to_internal_value(self, data) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data.replace("\x00", "\ufffd"))


class PostWriteSerializer(serializers.Serializer):
    body = StrictCharField(max_length=BODY_MAX_LENGTH, validators=[SOME_TEXT],
                           help_text="Markdown.")


class ThreadCreateSerializer(PostWriteSerializer):
    title = StrictCharField(max_length=TITLE_MAX_LENGTH, validators=[SOME_TEXT])
    is_announcement = StrictBooleanField(
        default=False, help_text="An announcement pinned at the top (organizers only).")


class AnswerSerializer(serializers.Serializer):
    answer = StrictBooleanField(default=True, help_text="false unmarks it.")
