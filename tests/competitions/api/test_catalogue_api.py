"""Every catalogue file gets exactly its messages from the API's dry run."""

from django.core.files.uploadedfile import SimpleUploadedFile

from tests.scoring.catalogue import ENTRIES, competitions_by_file, content


def test_every_catalogue_file_gets_its_exact_messages_from_the_api(make_competition, alice,
                                                                    token_client, monkeypatch):
    from rest_framework.throttling import ScopedRateThrottle

    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, "validate", "1000/min")
    client = token_client(alice)
    competitions = competitions_by_file(make_competition, alice)
    mismatches = []
    for entry in ENTRIES:
        slug = competitions[entry["file"]].slug
        response = client.post(f"/api/v1/competitions/{slug}/validate/",
                               {"file": SimpleUploadedFile(entry["file"], content(entry))},
                               format="multipart")
        if "problems" in response.data:
            shown = [problem["message"] for problem in response.data["problems"]]
            valid = response.data["valid"]
        else:  # refused at upload (a refusal, or the file field's own problem): same words
            shown = response.data.get("file") or [response.data["detail"]]
            valid = False
        if shown != entry["messages"] or valid != (not entry["messages"]):
            mismatches.append((entry["file"], response.status_code, shown))
    assert mismatches == []
