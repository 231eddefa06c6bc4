from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from scoring.problems import MESSAGES

from .models import Competition, Visibility


class JoinForm(forms.Form):
    accept_rules = forms.BooleanField(
        label=_("I have read and accept the rules of this competition."), required=True,
        error_messages={"required": _("Accept the rules to join.")})


class SubmissionForm(forms.Form):
    # The same words as the scoring problem, wherever the empty file is caught.
    file = forms.FileField(label=_("Prediction file (CSV)"),
                           error_messages={"empty": _(MESSAGES["empty_file"])})
    description = forms.CharField(label=_("Description"), max_length=500, required=False,
                                  widget=forms.TextInput(
                                      attrs={"placeholder": _("e.g. CNN, 20 epochs, augmented")}))


SPLIT_MERGE, SPLIT_KEEP = "merge", "keep"
SPLIT_CHOICES = [(SPLIT_MERGE, _("Merge them and let Kompe split")),
                 (SPLIT_KEEP, _("Keep my split"))]


class BuildForm(forms.Form):
    """A community competition from a zip of labelled images (the host's page and the
    admin's both use it, and both read it through build_options and add_refusal)."""

    # Refusals about the request rather than the zip: shown above the form.
    FORM_WIDE = frozenset({"build_in_progress", "too_many_competitions", "slug_taken"})

    title = forms.CharField(label=_("Title"), max_length=200)
    slug = forms.SlugField(
        label=_("Address"), max_length=50,
        help_text=_("The competition's address, /c/<address>/: letters, digits, - and _."))
    short_description = forms.CharField(label=_("Short description"), max_length=300,
                                        required=False)
    zip_file = forms.FileField(
        label=_("Zip of labelled images"),
        help_text=_("One folder per class (dangomushi/…, ダンゴムシ/…), the images and a "
                    "labels.csv with the columns file,label, or train/ and val/ (or test/) "
                    "folders with the class folders inside. JPEG, PNG, WebP, GIF, BMP or "
                    "HEIC."))
    split = forms.ChoiceField(
        label=_("With train/ and val/ (or test/) folders"), choices=SPLIT_CHOICES,
        initial=SPLIT_MERGE, widget=forms.RadioSelect, required=False,
        help_text=_("“Keep my split”: the val/test images become the test set (its "
                    "Public/Private split is made per class); the test share below is then "
                    "not used. Zips without such folders are always split by Kompe."))
    visibility = forms.ChoiceField(label=_("Who can see it"), choices=Visibility.choices,
                                   initial=Visibility.PUBLIC, widget=forms.RadioSelect)
    test_percent = forms.IntegerField(
        label=_("Test images (%)"), initial=20, min_value=5, max_value=50,
        help_text=_("The share of each class kept for testing; the rest is for training."))
    public_percent = forms.IntegerField(
        label=_("Test images on the public leaderboard (%)"), initial=30, min_value=10,
        max_value=90, help_text=_("The rest decides the private leaderboard, shown at the end."))
    max_side = forms.IntegerField(
        label=_("Maximum side (pixels)"), required=False, min_value=16, max_value=4096,
        help_text=_("Larger images are shrunk to fit; leave empty to keep their size."))
    fixed_side = forms.IntegerField(
        label=_("Fixed size (pixels)"), required=False, min_value=16, max_value=1024,
        help_text=_("Every image becomes a square of this side, its centre cropped: then no "
                    "class can be told by its images' size or shape. Leave empty to keep "
                    "their shape."))

    def build_options(self) -> dict:
        """The valid form as keywords of builder.service.build_request (all but `host` and
        `organizer_run`)."""
        data = self.cleaned_data
        return {"upload": data["zip_file"], "slug": data["slug"], "title": data["title"],
                "short_description": data["short_description"],
                "visibility": data["visibility"], "test_fraction": data["test_percent"] / 100,
                "public_fraction": data["public_percent"] / 100, "max_side": data["max_side"],
                "fixed_side": data["fixed_side"], "keep_split": data["split"] == SPLIT_KEEP}

    def add_refusal(self, refusal) -> None:
        """A BuildRefused from build_request, above the form or on the zip field."""
        self.add_error(None if refusal.code in self.FORM_WIDE else "zip_file",
                       refusal.message(gettext))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("max_side") and cleaned.get("fixed_side"):
            self.add_error("fixed_side", _("Choose a maximum side or a fixed size, not both."))
        return cleaned

    def clean_split(self):
        return self.cleaned_data.get("split") or SPLIT_MERGE

    def clean_slug(self):
        from .builder.service import slug_taken

        slug = self.cleaned_data["slug"].lower()
        if slug_taken(slug):
            raise forms.ValidationError(_("This address is already taken; choose another."))
        return slug


def _to_the_minute(value):
    return value.replace(second=0, microsecond=0) if value else None


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


# Said where the host chooses: "full" is not only more detail, it shows labels.
FULL_FEEDBACK_WARNING = _(
    "What participants see of their submissions besides the score while the competition "
    "runs; after the end they see everything. Warning: “full” shows the true labels of the "
    "Public test images that appear as examples, so participants can learn part of the "
    "Public answers; choose it for practice, not for a ranked competition.")


class HostCompetitionForm(forms.ModelForm):
    """What the host of a community competition may change."""

    class Meta:
        model = Competition
        fields = ["title", "short_description", "overview", "evaluation", "rules",
                  "start_at", "end_at", "daily_submission_limit", "total_submission_limit",
                  "final_submission_limit", "feedback_while_open", "visibility"]
        widgets = {"start_at": DateTimeInput(), "end_at": DateTimeInput(),
                   "visibility": forms.RadioSelect, "feedback_while_open": forms.RadioSelect,
                   "overview": forms.Textarea(attrs={"rows": 8}),
                   "evaluation": forms.Textarea(attrs={"rows": 3}),
                   "rules": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"feedback_while_open": FULL_FEEDBACK_WARNING}

    def clean(self):
        cleaned = super().clean()
        self._keep_the_end_once_ended(cleaned)
        start, end = cleaned.get("start_at"), cleaned.get("end_at")
        if start and end and end <= start:
            self.add_error("end_at", _("The end must come after the start."))
        return cleaned

    def _keep_the_end_once_ended(self, cleaned) -> None:
        # After the end the private board and full feedback have been shown: reopening
        # would let participants fit what they have seen. (The finals rule, shared with
        # the admin, is Competition.clean's.)
        if not self.instance.pk or self.instance.phase() != Competition.Phase.CLOSED:
            return
        if "end_at" not in cleaned:
            return
        if _to_the_minute(cleaned["end_at"]) != _to_the_minute(self.instance.end_at):
            self.add_error("end_at", _("The competition has ended and its private "
                                       "leaderboard may have been seen: its end can no "
                                       "longer change."))
        else:
            # The form shows minutes: an unchanged end keeps its seconds.
            cleaned["end_at"] = self.instance.end_at


class InviteCodeForm(forms.Form):
    code = forms.CharField(label=_("Invite code"), max_length=20)
