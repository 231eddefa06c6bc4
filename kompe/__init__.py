"""The `kompe` client: the Kompe REST API from Python and the command line.

No Django and no TensorFlow: only `requests` (and `tqdm` for progress bars).

    from kompe.client import Client
    client = Client.from_environment()          # KOMPE_URL / KOMPE_TOKEN or `kompe login`
    submission = client.submit("hiragana-20", "submission.csv", "CNN, 20 epochs")
    result = client.wait(submission["id"])      # the public score, or the problems
"""
