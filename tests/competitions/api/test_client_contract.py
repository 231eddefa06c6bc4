"""The `kompe` client names things as the API does: its errors carry the API's `detail` and
`code`, and a submission's `description` is the API's `description`."""

import pytest
from rest_framework.authtoken.models import Token

from kompe.client import ApiError, Client
from tests.conftest import perfect_csv


@pytest.fixture
def kompe(live_server, alice):
    return Client(live_server.url, Token.objects.create(user=alice).key)


def test_the_clients_error_has_the_apis_detail_and_code(kompe, competition):
    with pytest.raises(ApiError) as caught:
        kompe.leaderboard("animals", top=0)
    error = caught.value
    assert (error.status, error.code) == (400, "invalid")
    assert error.detail == str(error) == "top: A whole number from 1 to 1000."


def test_an_unmatched_route_reaches_the_client_as_not_found(kompe, db):
    with pytest.raises(ApiError) as caught:
        kompe.mark_final(-1)
    assert (caught.value.status, caught.value.code, caught.value.detail) == (
        404, "not_found", "Not found.")


def test_the_clients_description_is_the_submissions_description(kompe, competition,
                                                                 alice_joined, tmp_path):
    path = tmp_path / "predictions.csv"
    path.write_bytes(perfect_csv())
    submitted = kompe.submit("animals", path, description="CNN, 20 epochs")
    assert submitted["description"] == "CNN, 20 epochs"
    assert kompe.submission(submitted["id"])["description"] == "CNN, 20 epochs"
