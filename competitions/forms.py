from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _


class SignupForm(UserCreationForm):
    class Meta(UserCreationForm.Meta):
        fields = ("username",)


class JoinForm(forms.Form):
    accept_rules = forms.BooleanField(
        label=_("I have read and accept the rules of this competition."), required=True,
        error_messages={"required": _("Accept the rules to join.")})


class SubmissionForm(forms.Form):
    file = forms.FileField(label=_("Prediction file (CSV)"))
    description = forms.CharField(label=_("Description"), max_length=500, required=False,
                                  widget=forms.TextInput(
                                      attrs={"placeholder": _("e.g. CNN, 20 epochs, augmented")}))
