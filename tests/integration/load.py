"""Steady traffic for the drills: uploads through the API and reads of a page that does not
upload, each timed, from threads of the test process. Not a test module."""

import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial

import requests


@dataclass
class Sample:
    at: float  # time.monotonic() when the request started
    wall: datetime
    seconds: float
    status: int | None  # None: no answer (connection refused or reset)
    submission_id: int | None = None
    error: str = ""


@dataclass
class Load:
    base_url: str
    slug: str
    tokens: list[str]
    content: bytes
    upload_threads: int = 2
    upload_every: float = 0.2
    page_every: float = 0.2
    page: str = "/"
    uploads: list[Sample] = field(default_factory=list)
    pages: list[Sample] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list = field(default_factory=list)

    def start(self) -> None:
        for number in range(self.upload_threads):
            self._run(self._upload_loop, number)
        self._run(self._page_loop)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _run(self, target, *args) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self._threads.append(thread)

    def _upload_loop(self, number: int) -> None:
        count = 0
        while not self._stop.is_set():
            token = self.tokens[(number + count * self.upload_threads) % len(self.tokens)]
            count += 1
            sample = _timed(partial(
                requests.post, f"{self.base_url}/api/v1/competitions/{self.slug}/submissions/",
                headers={"Authorization": f"Token {token}", "Connection": "close"},
                files={"file": ("p.csv", self.content)}, timeout=30))
            self.uploads.append(sample)
            self._stop.wait(self.upload_every)

    def _page_loop(self) -> None:
        while not self._stop.is_set():
            self.pages.append(_timed(partial(
                requests.get, self.base_url + self.page, headers={"Connection": "close"},
                timeout=30)))
            self._stop.wait(self.page_every)

    def accepted(self) -> list[Sample]:
        return [sample for sample in self.uploads if sample.status == 201]

    def failed(self) -> list[Sample]:
        return [sample for sample in self.uploads + self.pages
                if sample.status is None or sample.status >= 400]


def _timed(send) -> Sample:
    at, wall = time.monotonic(), datetime.now(UTC)
    try:
        response = send()
    except requests.RequestException as error:
        return Sample(at, wall, time.monotonic() - at, None, error=repr(error))
    seconds = time.monotonic() - at
    submission_id = response.json().get("id") if response.status_code == 201 else None
    return Sample(at, wall, seconds, response.status_code, submission_id,
                  "" if response.status_code < 400 else response.text[:300])


def between(samples: list[Sample], start: float, end: float) -> list[Sample]:
    return [sample for sample in samples if start <= sample.at < end]


def quantile(samples: list[Sample], fraction: float) -> float:
    values = sorted(sample.seconds for sample in samples)
    return values[min(len(values) - 1, int(fraction * len(values)))]


def median(samples: list[Sample]) -> float:
    return statistics.median(sample.seconds for sample in samples)
