"""`submit`: send a prediction file through the Kompe REST API and wait for its public score."""

from pathlib import Path

# Imports nothing heavy: submitting needs neither TensorFlow nor Keras.
SUBMISSION_NAME = "submission.csv"


def submission_file(path: Path) -> Path:
    """A CSV, or a run folder holding the submission.csv that `train` or `predict` wrote."""
    path = Path(path)
    if path.is_dir():
        path = path / SUBMISSION_NAME
    if not path.is_file():
        raise FileNotFoundError(f"No submission at {path}: run `python -m baselines predict` "
                                f"first.")
    return path


def submit(path: Path, competition: str, message: str = "", *, url: str | None = None,
           token: str | None = None, wait: bool = True, timeout: float = 600) -> dict:
    """Check `path` with the competition's dry run, then upload it and, with `wait`, poll
    until it is scored or failed. A file the dry run finds problems in is not uploaded (it
    would only use up the day's quota): the result is then `{"status": "invalid",
    "problems": [...]}`. The server and token come from the arguments, else KOMPE_URL /
    KOMPE_TOKEN or the file `kompe login` writes."""
    from kompe import config
    from kompe.client import Client

    settings = config.load()
    client = Client(url or settings.url, token or settings.token)
    file = submission_file(path)
    checked = client.validate(competition, file)
    if not checked["valid"]:
        return {"status": "invalid", "problems": checked.get("problems") or [],
                "problem_count": checked.get("problem_count")}
    submission = client.submit(competition, file, message)
    return client.wait(submission["id"], timeout=timeout) if wait else submission
