"""GET /healthz (the process only) and GET /readyz (the database too)."""

import pytest
from django.db import DatabaseError


def test_it_answers_healthz_without_touching_the_database(client):
    # No django_db mark: any query here would fail the test.
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_it_answers_readyz_when_the_database_answers(client):
    response = client.get("/readyz")

    assert response.status_code == 200


@pytest.mark.django_db
def test_it_reports_unready_when_the_database_fails(client, monkeypatch):
    def broken(self, sql, params=None):
        raise DatabaseError("connection refused")

    monkeypatch.setattr("django.db.backends.utils.CursorWrapper.execute", broken)

    response = client.get("/readyz")

    assert response.status_code == 503


def test_it_refuses_to_change_anything_through_healthz(client):
    assert client.post("/healthz").status_code == 405
