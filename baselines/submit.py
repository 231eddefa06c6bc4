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
    """Upload `path` to `competition` and, with `wait`, poll until it is scored or failed.
    The server and token come from the arguments, else KOMPE_URL / KOMPE_TOKEN or the file
    `kompe login` writes."""
    from kompe import config
    from kompe.client import Client

    settings = config.load()
    client = Client(url or settings.url, token or settings.token)
    submission = client.submit(competition, submission_file(path), message)
    return client.wait(submission["id"], timeout=timeout) if wait else submission
