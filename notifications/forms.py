from django import forms

from .kinds import Kind
from .services import email_wanted


class PreferencesForm(forms.Form):
    """One checkbox per kind: e-mail it or not (the bell tells every kind)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.BooleanField(
                label=kind.label, required=False, initial=email_wanted(user, kind))

    def choices(self) -> dict[str, bool]:
        return {kind.value: self.cleaned_data[kind.value] for kind in Kind}
