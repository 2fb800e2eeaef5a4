"""A database too busy to answer in time (SQLite's lock past its timeout, PostgreSQL or its
pool out of connections) is a 503 that says nothing was saved, not a 500."""

import pytest
from django.db import OperationalError
from django.test import RequestFactory

from config.middleware import BusyDatabaseMiddleware


def _answer(exception: Exception):
    middleware = BusyDatabaseMiddleware(lambda request: None)
    return middleware.process_exception(RequestFactory().post("/o/acme/anything/"), exception)


@pytest.mark.parametrize(
    "words",
    [
        "database is locked",
        'connection failed: connection to server at "127.0.0.1", port 5432 failed: FATAL:  '
        "sorry, too many clients already",
        "couldn't get a connection after 20.00 sec",
    ],
)
def test_a_busy_database_is_a_503_to_try_again(words):
    # No database for this test (pytest-django refuses any query): the page needs none.
    response = _answer(OperationalError(words))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    body = response.content.decode()
    assert "Busy for a moment" in body
    assert "Nothing was changed" in body


@pytest.mark.parametrize(
    "exception",
    [OperationalError("no such table: workshops_note"), ValueError("database is locked")],
)
def test_other_errors_stay_what_they_are(exception):
    assert _answer(exception) is None
