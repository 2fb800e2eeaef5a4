"""Pytest fixtures shared by every PDF test, registered once in tests/conftest.py.

A PDF must be made from the app's own files: WeasyPrint may not open a socket, and every URL
a document names goes through kernel.pdf.StaticFileFetcher. WeasyPrint swallows a failed
fetch and leaves the resource out, so these fixtures record what happened and the tests check
the record rather than wait for an exception that never reaches them.
"""

import socket
from typing import Literal

import pytest

from kernel.pdf import RefusedURL, StaticFileFetcher

FetchOutcome = tuple[str, Literal["served", "refused"]]


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> list[tuple]:
    """Refuses every socket connect and returns the record of attempts (expected empty)."""
    attempts: list[tuple] = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access while rendering a PDF")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    return attempts


@pytest.fixture
def pdf_fetches(monkeypatch: pytest.MonkeyPatch) -> list[FetchOutcome]:
    """(url, "served" or "refused") for each URL WeasyPrint asks the fetcher for, in order."""
    calls: list[FetchOutcome] = []
    fetch = StaticFileFetcher.fetch

    def spy(self, url, headers=None):
        try:
            response = fetch(self, url, headers)
        except RefusedURL:
            calls.append((url, "refused"))
            raise
        calls.append((url, "served"))
        return response

    monkeypatch.setattr(StaticFileFetcher, "fetch", spy)
    return calls
