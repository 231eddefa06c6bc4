"""Usernames that cannot pass for someone else's: no look-alike letters of another script.

The rule is Unicode's "highly restrictive" profile (UTS #39, section 5.2): one script, or
Latin with the scripts a Japanese, Chinese or Korean name mixes (Han with Hiragana and
Katakana, Bopomofo, or Hangul). So `山田たろう` and `taro山田` pass and Cyrillic `раrticipant`
beside `participant` does not; nor does a name made entirely of Cyrillic or Greek letters
that all look Latin (`раура`). The script data is confusable_homoglyphs', from Unicode's
own tables.
"""

from confusable_homoglyphs import categories, confusables
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Scripts with no letters of their own (digits, _, -, .) go with any script.
NEUTRAL = {"COMMON", "INHERITED"}
HIGHLY_RESTRICTIVE = [
    {"LATIN", "HAN", "HIRAGANA", "KATAKANA"},
    {"LATIN", "HAN", "BOPOMOFO"},
    {"LATIN", "HAN", "HANGUL"},
]
# Scripts whose letters are often exact Latin look-alikes (whole-script confusables).
LATIN_LOOKALIKE_SCRIPTS = {"CYRILLIC", "GREEK", "ARMENIAN", "CHEROKEE", "COPTIC"}
MIXED_SCRIPTS = _("A username may not mix letters of different alphabets (such as Cyrillic "
                  "and Latin): some of them look alike. Use one alphabet; Japanese may be "
                  "mixed with Latin letters.")
LOOKS_LATIN = _("Every letter of this username looks like a Latin letter but is not one: "
                "write it in Latin letters.")


def validate_username_scripts(username: str) -> None:
    scripts = categories.unique_aliases(username) - NEUTRAL
    if len(scripts) > 1 and not any(scripts <= allowed for allowed in HIGHLY_RESTRICTIVE):
        raise ValidationError(MIXED_SCRIPTS, code="mixed_scripts")
    if len(scripts) == 1 and scripts <= LATIN_LOOKALIKE_SCRIPTS:
        letters = {char for char in username if char.isalpha()}
        lookalikes = {found["character"] for found in confusables.is_confusable(
            username, greedy=True, preferred_aliases=["latin"]) or []}
        if letters and letters <= lookalikes:
            raise ValidationError(LOOKS_LATIN, code="looks_latin")
