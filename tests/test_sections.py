"""kernel.sections: apps contribute sections to a document without importing each other."""

import pytest

from kernel import sections
from kernel.sections import Section


@pytest.fixture
def document(monkeypatch):
    monkeypatch.setattr(sections, "_DOCUMENTS", {})
    return "test.document"


def test_it_renders_sections_in_their_order_and_leaves_out_empty_ones(document, settings):
    settings.TEMPLATES = [
        {
            **settings.TEMPLATES[0],
            "OPTIONS": {
                **settings.TEMPLATES[0]["OPTIONS"],
                "loaders": [
                    (
                        "django.template.loaders.locmem.Loader",
                        {"s.html": "<p>{{ name }} of {{ owner }}</p>"},
                    )
                ],
            },
            "APP_DIRS": False,
        }
    ]
    sections.register(document, Section("b", 20, "s.html", lambda s: {"name": "Second"}))
    sections.register(document, Section("a", 10, "s.html", lambda s: {"name": "First <b>"}))
    sections.register(document, Section("c", 15, "s.html", lambda s: None))

    rendered = sections.render_sections(document, "Acme", owner="Acme")

    assert rendered == ["<p>First &lt;b&gt; of Acme</p>", "<p>Second of Acme</p>"]


def test_it_replaces_a_section_registered_again(document):
    sections.register(document, Section("a", 10, "one.html", lambda s: {}))
    sections.register(document, Section("a", 10, "two.html", lambda s: {}))

    assert [s.template for s in sections.sections(document)] == ["two.html"]


def test_it_knows_no_sections_of_an_unknown_document():
    assert sections.sections("no.such.document") == []
