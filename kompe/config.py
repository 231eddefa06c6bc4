"""Where the client finds the server and the token: KOMPE_URL / KOMPE_TOKEN, or the file
`kompe login` writes (readable by its owner only)."""

import json
import os
from dataclasses import dataclass
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"


def config_path() -> Path:
    if os.environ.get("KOMPE_CONFIG"):
        return Path(os.environ["KOMPE_CONFIG"])
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "kompe" / "config.json"


@dataclass(frozen=True)
class Settings:
    url: str
    token: str | None


def load() -> Settings:
    stored = {}
    path = config_path()
    if path.exists():
        stored = json.loads(path.read_text(encoding="utf-8"))
    url = os.environ.get("KOMPE_URL") or stored.get("url") or DEFAULT_URL
    token = os.environ.get("KOMPE_TOKEN") or stored.get("token")
    return Settings(url=url.rstrip("/"), token=token)


def save(url: str, token: str) -> Path:
    """Write the config file with 0600 permissions: the token is a password."""
    path = config_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump({"url": url.rstrip("/"), "token": token}, handle)
    os.chmod(path, 0o600)  # also when the file existed with wider permissions
    return path
