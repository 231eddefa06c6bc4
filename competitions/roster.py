"""A class roster: a CSV of learners becomes accounts joined to one competition.

The teacher's CSV has a header; its columns (English or Japanese names):
`username` and/or `email`, `display_name`, `student_number`, and optionally `team`.
Every row is checked before anything is written; one bad row refuses the whole file with
each problem's line number, so that nothing is half-imported. A learner's credential —
an initial password or a one-time sign-in link — exists in clear only in the file the
teacher downloads once, in the response to the import: only password hashes are stored,
and a link stops working once used (Django's password-reset tokens, which change with the
user's last sign-in and password).
"""

import csv
import io
import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .models import Competition, Participation, Team
from .usernames import validate_username_scripts

# The teacher's column names, in either language, and the fields they fill.
COLUMNS = {
    "username": "username", "ユーザー名": "username",
    "email": "email", "e-mail": "email", "メールアドレス": "email",
    "display_name": "display_name", "表示名": "display_name", "氏名": "display_name",
    "student_number": "student_number", "学籍番号": "student_number",
    "team": "team", "チーム": "team",
}
MAX_ROWS = 2000
MAX_BYTES = 1024 * 1024
DISPLAY_NAME_MAX = 50
STUDENT_NUMBER_MAX = 40
# Readable passwords: no 0/O or 1/l/I to misread from a printed sheet.
PASSWORD_ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 12


class Credential:
    PASSWORD = "password"
    LINK = "link"


@dataclass(frozen=True)
class RosterRow:
    line: int
    username: str
    email: str
    display_name: str
    student_number: str
    team: str = ""


@dataclass
class RosterRefused(Exception):
    """The file cannot be imported: (line, message) for every problem, in file order."""

    problems: list[tuple[int | None, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Imported:
    username: str
    display_name: str
    student_number: str
    team: str
    created: bool
    password: str = ""
    link: str = ""


def roster_parse(content: bytes) -> list[RosterRow]:
    """The rows of a roster, or RosterRefused with every problem and its line."""
    if len(content) > MAX_BYTES:
        raise RosterRefused([(None, _("The roster is larger than 1 MB."))])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RosterRefused([(None, _("The roster is not UTF-8 text: save it as “CSV UTF-8” "
                                      "and try again."))]) from None
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header:
        raise RosterRefused([(None, _("The roster is empty."))])
    names = [COLUMNS.get(name.strip().lower(), COLUMNS.get(name.strip())) for name in header]
    problems = _header_problems(header, names)
    if problems:
        raise RosterRefused(problems)
    rows = []
    for line, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(values) != len(names):
            problems.append((line, _("expected %(expected)s columns, found %(found)s.")
                             % {"expected": len(names), "found": len(values)}))
            continue
        data = {name: value.strip() for name, value in zip(names, values, strict=True)
                if name}
        rows.append(RosterRow(line=line, username=data.get("username", ""),
                              email=data.get("email", "").lower(),
                              display_name=data.get("display_name", ""),
                              student_number=data.get("student_number", ""),
                              team=data.get("team", "")))
    if not rows and not problems:
        problems.append((None, _("The roster has a header but no learners.")))
    if len(rows) > MAX_ROWS:
        problems.append((None, _("The roster has more than %(count)s learners.")
                         % {"count": MAX_ROWS}))
    if problems:
        raise RosterRefused(problems)
    return rows


def _header_problems(header: list[str], names: list) -> list[tuple[int, str]]:
    problems = []
    unknown = [column for column, name in zip(header, names, strict=True) if name is None]
    if unknown:
        problems.append((1, _("unknown columns: %(columns)s. The columns are username or "
                              "email, display_name, student_number and optionally team.")
                         % {"columns": ", ".join(unknown)}))
    if "username" not in names and "email" not in names:
        problems.append((1, _("a column username or email is needed.")))
    if "student_number" not in names:
        problems.append((1, _("a column student_number is needed.")))
    return problems


def roster_check(competition: Competition, rows: list[RosterRow]) -> list[tuple[int, str]]:
    """Every problem of the rows, against each other and against the existing accounts
    and this competition's student numbers."""
    User = get_user_model()
    problems = []
    seen: dict[str, dict[str, int]] = {"username": {}, "email": {}, "student_number": {}}
    taken_numbers = dict(Participation.objects.filter(competition=competition)
                         .exclude(student_number="")
                         .values_list("student_number", "user__username"))
    # A baseline or an organizer's preview team is not a learners' team: a learner put there
    # would read its files and rank as it does (never).
    not_learners = set(Team.objects.filter(competition=competition).exclude(
        is_baseline=False, is_host_preview=False).values_list("name", flat=True))
    for row in rows:
        found = _row_problems(row, User)
        if row.team in not_learners:
            found.append(_("team “%(team)s” is a baseline or an organizer's team, not a "
                           "learners' team.") % {"team": row.team})
        for key in ("username", "email", "student_number"):
            value = getattr(row, key)
            if value and value in seen[key]:
                found.append(_("%(column)s “%(value)s” is also on line %(first)s.") % {
                    "column": key, "value": value, "first": seen[key][value]})
            elif value:
                seen[key][value] = row.line
        owner = taken_numbers.get(row.student_number)
        if owner and owner != (row.username or None):
            found.append(_("student number “%(number)s” is already %(username)s's in this "
                           "competition.") % {"number": row.student_number,
                                              "username": owner})
        problems += [(row.line, message) for message in found]
    return problems


def _row_problems(row: RosterRow, User) -> list[str]:
    found = []
    if not row.username and not row.email:
        found.append(_("a username or an e-mail address is needed."))
    if row.username:
        try:
            User.username_validator(row.username)
            validate_username_scripts(row.username)
            if len(row.username) > User._meta.get_field("username").max_length:
                raise ValidationError(_("the username is too long."))
        except ValidationError as error:
            found += [_("username “%(username)s”: %(reason)s") % {
                "username": row.username, "reason": message} for message in error.messages]
    if row.email:
        try:
            validate_email(row.email)
        except ValidationError:
            found.append(_("“%(email)s” is not an e-mail address.") % {"email": row.email})
        else:
            clash = User.objects.filter(email__iexact=row.email).exclude(
                username=row.username or None).first()
            if clash is not None:
                found.append(_("the e-mail address %(email)s belongs to another account.")
                             % {"email": row.email})
    if not row.student_number:
        found.append(_("the student number is empty."))
    elif len(row.student_number) > STUDENT_NUMBER_MAX:
        found.append(_("the student number is longer than %(limit)s characters.")
                     % {"limit": STUDENT_NUMBER_MAX})
    if len(row.display_name) > DISPLAY_NAME_MAX:
        found.append(_("the display name is longer than %(limit)s characters.")
                     % {"limit": DISPLAY_NAME_MAX})
    return found


@transaction.atomic
def roster_import(*, competition: Competition, rows: list[RosterRow], credential: str,
                  base_url: str) -> list[Imported]:
    """Create the missing accounts, join everyone, set names and student numbers. All or
    nothing: RosterRefused (nothing written) if any row has a problem."""
    # Imports of one competition go one at a time (team names, student numbers).
    Competition.objects.select_for_update().filter(pk=competition.pk).first()
    problems = roster_check(competition, rows)
    if problems:
        raise RosterRefused(problems)
    return [_import_row(competition, row, credential, base_url) for row in rows]


def _import_row(competition: Competition, row: RosterRow, credential: str,
                base_url: str) -> Imported:
    from allauth.account.models import EmailAddress

    from accounts.profiles import profile_of, set_language

    from .services import join_competition

    User = get_user_model()
    username = row.username or _username_from(row.email)
    user, created = User.objects.get_or_create(username=username,
                                               defaults={"email": row.email})
    password = link = ""
    if created:
        if credential == Credential.PASSWORD:
            password = "".join(secrets.choice(PASSWORD_ALPHABET)
                               for _position in range(PASSWORD_LENGTH))
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        # E-mails go out in the class's language (the teacher's, as they import) until
        # the learner opens their link or switches.
        set_language(user, (get_language() or "")[:2])
        if row.email:
            # The teacher vouches for the school's addresses: no verification mail first.
            EmailAddress.objects.create(user=user, email=row.email, verified=True,
                                        primary=True)
        if credential == Credential.LINK:
            link = base_url + reverse("roster_sign_in", args=[
                urlsafe_base64_encode(force_bytes(user.pk)),
                default_token_generator.make_token(user)])
    # An existing account's display name is its owner's (shown on every board and on
    # their profile): the roster names only the accounts it made, or one that has none.
    profile = profile_of(user) if row.display_name else None
    if profile is not None and (created or not profile.display_name):
        profile.display_name = row.display_name
        profile.save(update_fields=["display_name"])
    participation = join_competition(competition=competition, user=user)
    if row.team:
        participation = _move_to_team(competition, participation, row.team)
    participation.student_number = row.student_number
    participation.save(update_fields=["student_number"])
    # What the boards will show: an existing account keeps the name it chose.
    shown_name = profile.display_name if profile is not None else row.display_name
    return Imported(username=username, display_name=shown_name,
                    student_number=row.student_number, team=participation.team.name,
                    created=created, password=password, link=link)


def _move_to_team(competition: Competition, participation: Participation,
                  name: str) -> Participation:
    if participation.team.name == name:
        return participation
    team, _created = Team.objects.get_or_create(
        competition=competition, name=name,
        defaults={"is_host_preview": participation.team.is_host_preview})
    old = participation.team
    participation.team = team
    participation.save(update_fields=["team"])
    if not old.participations.exists() and not old.submissions.exists():
        old.delete()
    return participation


def _username_from(email: str) -> str:
    User = get_user_model()
    base = email.split("@", 1)[0][:140] or "learner"
    candidate, number = base, 1
    while User.objects.filter(username=candidate).exists():
        number += 1
        candidate = f"{base}{number}"
    return candidate


def credentials_csv(imported: list[Imported]) -> str:
    """What the teacher downloads once: who signs in how (a byte-order mark for Excel)."""
    from .exports import neutralise

    buffer = io.StringIO()
    buffer.write("\ufeff")
    writer = csv.writer(buffer)
    writer.writerow([_("username"), _("display name"), _("student number"), _("team"),
                     _("initial password"), _("one-time sign-in link"), _("note")])
    for row in imported:
        # A username or address someone had already signed up with: the teacher must
        # check that it is this learner, since their account now joins the class.
        note = "" if row.created else _(
            "existing account, not created: check that it is this learner (they sign in "
            "as before)")
        writer.writerow([neutralise(value) for value in (
            row.username, row.display_name, row.student_number, row.team, row.password,
            row.link, note)])
    return buffer.getvalue()


def credentials_filename(competition: Competition) -> str:
    return f"roster-{competition.slug}-{timezone.localtime():%Y%m%d-%H%M}.csv"
