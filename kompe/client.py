"""A small client of the Kompe REST API (/api/v1/)."""

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.util import Retry

from . import config
from .i18n import _, language

# A rate limit that clears within this many seconds is waited out; a longer one (the daily
# submission limit, say) is reported instead.
MAX_RETRY_WAIT_SECONDS = 60
MAX_RETRIES = 3
TIMEOUT_SECONDS = 60
CHUNK_BYTES = 256 * 1024
# A restart of the server (a deploy) refuses or drops connections for a few seconds: they
# are tried again with growing pauses (0, 1, 2, 4, 8, 10 s: about 25 s in all), so that
# `submit --wait` and downloads carry on. Reads (GET) are also retried when the connection
# dropped mid-answer or a proxy answered 502-504; an upload only when it could not connect
# (nothing was sent, so nothing is sent twice). Rate limits are handled by _request, so
# urllib3 does not follow Retry-After (the daily limit's is hours).
CONNECTION_RETRIES = Retry(total=6, connect=6, read=4, status=4, other=0,
                           backoff_factor=0.5, backoff_max=10,
                           status_forcelist=(502, 503, 504),
                           allowed_methods=frozenset({"GET", "HEAD"}),
                           raise_on_status=False, respect_retry_after_header=False)


class ApiError(Exception):
    """A refusal or failure: `detail` and `code` as the API names them (the server's words
    where it sent some), and the HTTP status."""

    def __init__(self, detail: str, status: int | None = None, code: str | None = None):
        super().__init__(detail)
        self.detail, self.status, self.code = detail, status, code


class Client:
    def __init__(self, url: str, token: str | None, sleep: Callable[[float], None] = time.sleep):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        adapter = HTTPAdapter(max_retries=CONNECTION_RETRIES)
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)
        if token:
            self.session.headers["Authorization"] = f"Token {token}"
        self.session.headers["Accept"] = "application/json"
        # The server's own words (problems, refusals) in the locale's language too.
        self.session.headers["Accept-Language"] = language()
        self.sleep = sleep

    @classmethod
    def from_environment(cls) -> "Client":
        settings = config.load()
        return cls(settings.url, settings.token)

    # --- the verbs -----------------------------------------------------------------

    def competitions(self) -> list[dict]:
        return list(self._pages("/api/v1/competitions/"))

    def competition(self, slug: str) -> dict:
        return self._request("GET", f"/api/v1/competitions/{slug}/").json()

    def join(self, slug: str) -> dict:
        return self._request("POST", f"/api/v1/competitions/{slug}/join/").json()

    def files(self, slug: str) -> list[dict]:
        return list(self._pages(f"/api/v1/competitions/{slug}/files/"))

    def download(self, file: dict, folder: Path, progress=None) -> tuple[Path, bool]:
        """Download one file into folder; a complete file already there is skipped.
        Returns the path and whether it was downloaded."""
        target = folder / file["name"]
        if target.exists() and target.stat().st_size == file["size"]:
            return target, False
        partial = target.with_name(target.name + ".part")
        with self._request("GET", file["download_url"], stream=True) as response:
            with partial.open("wb") as handle:
                for chunk in response.iter_content(CHUNK_BYTES):
                    handle.write(chunk)
                    if progress:
                        progress(len(chunk))
        partial.replace(target)  # only complete files get the real name
        return target, True

    def submit(self, slug: str, path: Path, description: str = "") -> dict:
        with Path(path).open("rb") as handle:
            return self._request("POST", f"/api/v1/competitions/{slug}/submissions/",
                                 files={"file": (Path(path).name, handle)},
                                 data={"description": description}).json()

    def validate(self, slug: str, path: Path) -> dict:
        with Path(path).open("rb") as handle:
            return self._request("POST", f"/api/v1/competitions/{slug}/validate/",
                                 files={"file": (Path(path).name, handle)}).json()

    def submission(self, submission_id: int) -> dict:
        return self._request("GET", f"/api/v1/submissions/{submission_id}/").json()

    def wait(self, submission_id: int, timeout: float = 600, interval: float = 0.5) -> dict:
        """Poll until the submission is scored or failed."""
        deadline = time.monotonic() + timeout
        while True:
            submission = self.submission(submission_id)
            if submission["status"] in ("scored", "failed"):
                return submission
            if time.monotonic() > deadline:
                raise ApiError(_("Submission {id} is still {status} after {seconds} s; check "
                                 "later with `kompe competitions submissions`.").format(
                    id=submission_id, status=_(submission["status"]), seconds=f"{timeout:.0f}"))
            self.sleep(interval)
            interval = min(interval * 1.5, 5)

    def finals(self, slug: str) -> dict:
        return self._request("GET", f"/api/v1/competitions/{slug}/finals/").json()

    def mark_final(self, submission_id: int, final: bool = True) -> dict:
        return self._request("POST", f"/api/v1/submissions/{submission_id}/final/",
                             json={"final": final}).json()

    def submissions(self, slug: str) -> list[dict]:
        return list(self._pages(f"/api/v1/competitions/{slug}/submissions/"))

    def leaderboard(self, slug: str, private: bool = False, top: int = 100) -> dict:
        board = "private" if private else "public"
        return self._request("GET", f"/api/v1/competitions/{slug}/leaderboard/",
                             params={"board": board, "top": top}).json()

    def team(self, slug: str) -> dict:
        return self._request("GET", f"/api/v1/competitions/{slug}/team/").json()

    def invitations(self, slug: str) -> dict:
        return self._request("GET", f"/api/v1/competitions/{slug}/team/invitations/").json()

    def invite(self, slug: str, username: str) -> dict:
        return self._request("POST", f"/api/v1/competitions/{slug}/team/invitations/",
                             json={"username": username}).json()

    def accept_invitation(self, slug: str, invitation_id: int) -> dict:
        return self._request(
            "POST", f"/api/v1/competitions/{slug}/team/invitations/{invitation_id}/accept/"
        ).json()

    def leave_team(self, slug: str) -> dict:
        return self._request("POST", f"/api/v1/competitions/{slug}/team/leave/").json()
    def notifications(self, unread_only: bool = True) -> list[dict]:
        query = "?unread=true" if unread_only else ""
        return list(self._pages(f"/api/v1/notifications/{query}"))

    def mark_notifications_read(self) -> int:
        return self._request("POST", "/api/v1/notifications/read/").json()["marked"]
    def threads(self, slug: str) -> list[dict]:
        return list(self._pages(f"/api/v1/competitions/{slug}/threads/"))

    def thread(self, slug: str, thread_id: int) -> dict:
        return self._request("GET", f"/api/v1/competitions/{slug}/threads/{thread_id}/").json()

    def posts(self, slug: str, thread_id: int) -> list[dict]:
        return list(self._pages(f"/api/v1/competitions/{slug}/threads/{thread_id}/posts/"))

    def start_thread(self, slug: str, title: str, body: str,
                     announcement: bool = False) -> dict:
        return self._request("POST", f"/api/v1/competitions/{slug}/threads/", json={
            "title": title, "body": body, "is_announcement": announcement}).json()

    def reply(self, slug: str, thread_id: int, body: str) -> dict:
        return self._request("POST", f"/api/v1/competitions/{slug}/threads/{thread_id}/posts/",
                             json={"body": body}).json()

    # --- plumbing --------------------------------------------------------------------

    def _on_our_server(self, path_or_url: str) -> str:
        """Links the server hands out (next pages, downloads) are followed on the URL the
        user configured: a proxy that makes them http:// or another host must not receive
        the token."""
        if not path_or_url.startswith(("http://", "https://")):
            return self.url + path_or_url  # one of our own API paths
        origin = urlsplit(self.url)
        return f"{origin.scheme}://{origin.netloc}{_path_of(path_or_url)}"

    def _pages(self, path: str) -> Iterator[dict]:
        url: str | None = path
        while url:
            page = self._request("GET", url).json()
            yield from page["results"]
            url = page.get("next")

    def _request(self, method: str, path: str, **kwargs) -> requests.Response:
        url = self._on_our_server(path)
        for attempt in range(MAX_RETRIES + 1):
            for value in kwargs.get("files", {}).values():
                value[1].seek(0)  # a retried upload sends the whole file again
            try:
                response = self.session.request(method, url, timeout=TIMEOUT_SECONDS, **kwargs)
            except requests.ConnectionError:
                raise ApiError(_("Cannot reach the Kompe server at {url}: is the URL right "
                                 "(KOMPE_URL or `kompe login --url`), and is it up?").format(
                    url=self.url)) from None
            except requests.Timeout:
                raise ApiError(_("The server at {url} did not answer in {seconds} s.").format(
                    url=self.url, seconds=TIMEOUT_SECONDS)) from None
            wait = _retry_after(response)
            if response.status_code == 429 and wait is not None and attempt < MAX_RETRIES \
                    and wait <= MAX_RETRY_WAIT_SECONDS:
                self.sleep(wait)
                continue
            if response.status_code >= 400:
                raise _error(response, self.url)
            return response
        raise AssertionError("unreachable")


def _path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _retry_after(response: requests.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None


def _error(response: requests.Response, url: str) -> ApiError:
    try:
        body = response.json()
    except ValueError:
        body = {}
    detail = body.get("detail") if isinstance(body, dict) else None
    if detail is None and isinstance(body, dict) and body:
        detail = "; ".join(f"{field}: {' '.join(map(str, errors))}"
                           for field, errors in body.items())
    code = body.get("code") if isinstance(body, dict) else None
    if response.status_code == 401:
        detail = _("{detail} Create a token on your account page ({url}/account/) and run "
                   "`kompe login`.").format(detail=detail or _("Not authenticated."), url=url)
    elif response.status_code == 429 and "Retry-After" in response.headers:
        detail = _("{detail} (retry after {seconds} s)").format(
            detail=detail, seconds=int(float(response.headers["Retry-After"])))
    elif not detail:
        detail = _("The server answered {status} for {url}.").format(
            status=response.status_code, url=response.url)
    return ApiError(detail, status=response.status_code, code=code)
