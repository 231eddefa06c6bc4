from django import forms
from django.utils.translation import gettext_lazy as _

from .models import BODY_MAX_LENGTH, TITLE_MAX_LENGTH

MARKDOWN_HELP = _("Markdown. Images only from this competition's pages; no scripts.")


class PostForm(forms.Form):
    body = forms.CharField(label=_("Text"), max_length=BODY_MAX_LENGTH, help_text=MARKDOWN_HELP,
                           widget=forms.Textarea(attrs={"rows": 6}))


class ThreadForm(PostForm):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    is_announcement = forms.BooleanField(
        label=_("Announcement (pinned at the top)"), required=False)
    field_order = ["title", "body", "is_announcement"]

    def __init__(self, *args, may_announce: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_announce:
            del self.fields["is_announcement"]
