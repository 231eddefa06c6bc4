"""Lists the pins of pyproject.toml that are behind the package index: each pin, the
version installed in this venv, the newest release in the pinned series (same major.minor:
the patch releases to take at once) and the newest release overall.

It asks the index (`pip index versions`), so it is a tool to run by hand (`make outdated`),
not a test: a test that fails whenever somebody else publishes a release would say nothing
about this code. Exit status 0 whether or not pins are behind; 2 if the index is out of
reach.

    .venv/bin/python deploy/outdated_pins.py [--all]   # --all: also the pins that are current
"""

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.version import InvalidVersion, Version

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^\s*([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*==\s*([^\s;]+)")


def pins() -> list[tuple[str, str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    found: dict[str, str] = {}
    for requirement in requirements:
        match = PIN.match(requirement)
        if match:
            found.setdefault(match.group(1), match.group(2))
    return sorted(found.items(), key=lambda item: item[0].lower())


def index_versions(name: str) -> dict | None:
    answer = subprocess.run(
        [sys.executable, "-m", "pip", "index", "versions", "--json", name],
        capture_output=True, text=True, timeout=120)
    if answer.returncode != 0:
        return None
    return json.loads(answer.stdout)


def stable(versions: list[str]) -> list[Version]:
    parsed = []
    for text in versions:
        try:
            version = Version(text)
        except InvalidVersion:
            continue
        if not version.is_prerelease and not version.is_devrelease:
            parsed.append(version)
    return sorted(parsed)


def main() -> int:
    show_all = "--all" in sys.argv[1:]
    rows, unreachable, behind = [], [], 0
    for name, pinned in pins():
        answer = index_versions(name)
        if answer is None:
            unreachable.append(name)
            continue
        versions = stable(answer["versions"])
        pin = Version(pinned)
        series = [v for v in versions if v.release[:2] == pin.release[:2]]
        latest = str(versions[-1]) if versions else "?"
        in_series = str(series[-1]) if series else pinned
        if latest == pinned and not show_all:
            continue
        behind += latest != pinned
        rows.append((name, pinned, answer.get("installed_version") or "-", in_series, latest))
    header = ("package", "pinned", "installed", "newest in series", "newest")
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(5)]
    for row in [header, *rows]:
        cells = (str(cell).ljust(width) for cell, width in zip(row, widths, strict=True))
        print("  ".join(cells).rstrip())
    print(f"\n{behind} of {len(pins())} pins behind the index")
    if unreachable:
        print("not found on the index (or the index is out of reach): " + ", ".join(unreachable),
              file=sys.stderr)
        return 2 if len(unreachable) == len(pins()) else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
