from django import forms
from django.utils.translation import gettext_lazy as _

from config.timezones import known_zones

from .models import Profile

WRONG_PASSWORD = _("That is not your password.")


class DisplayNameForm(forms.ModelForm):
    class Meta:
        model = Profile
        fields = ["display_name"]

    def clean_display_name(self) -> str:
        return " ".join(self.cleaned_data["display_name"].split())


def zone_choices() -> list[tuple[str, str]]:
    return [("", _("Your browser's time zone"))] + [(zone, zone) for zone in sorted(known_zones())]


class TimeZoneForm(forms.ModelForm):
    # A select of the server's own zones, so that a saved choice is always one it knows.
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=zone_choices, required=False,
                                  help_text=Profile._meta.get_field("time_zone").help_text)

    class Meta:
        model = Profile
        fields = ["time_zone"]


class DeleteAccountForm(forms.Form):
    password = forms.CharField(label=_("Your password"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete":
                                                                 "current-password"}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self) -> str:
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(WRONG_PASSWORD, code="wrong_password")
        return password
