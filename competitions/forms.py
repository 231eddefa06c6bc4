from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _

from scoring.problems import MESSAGES


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)


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
