"""kernel.pdf: templates become PDFs, and WeasyPrint fetches nothing but static files."""

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import dateformat, timezone
from pypdf import PdfReader

from kernel.pdf import PDF_BASE_URL, RefusedURL, StaticFileFetcher, pdf_response, render_pdf

TEST_TEMPLATES = Path(__file__).parent / "templates"
HTMX = Path(django_settings.BASE_DIR) / "static" / "vendor" / "htmx-2.0.11.min.js"
STYLESHEET_URL = PDF_BASE_URL + "static/css/pdf-base.css"
REMOTE_IMAGE_URL = "http://127.0.0.1:9/x.png"

# Nothing in this module may open a socket; tests that care read the record.
pytestmark = pytest.mark.usefixtures("no_network")


@pytest.fixture
def test_templates(settings) -> None:
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], TEST_TEMPLATES]}]


def _render(title: str = "Acme") -> bytes:
    return render_pdf("pdf_smoke.html", {"organisation_name": title})


def _text(pdf: bytes) -> str:
    return "\n".join(_pages(pdf))


def _pages(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed so wrapped lines still read as one."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def _sections_pdf() -> list[str]:
    """Two sections long enough to run over several pages each, exported at a known time."""
    sections = [
        {"name": name, "lines": [f"{name} line {n}" for n in range(1, 81)]}
        for name in ("Alpha", "Beta")
    ]
    context = {
        "organisation_name": "Acme",
        "sections": sections,
        "generated_at": datetime(2026, 3, 4, 9, 30, tzinfo=UTC),
    }
    return _pages(render_pdf("pdf_sections.html", context))


def test_it_serves_a_static_file() -> None:
    response = StaticFileFetcher().fetch(PDF_BASE_URL + "static/vendor/htmx-2.0.11.min.js")

    assert response.read() == HTMX.read_bytes()
    assert response.content_type == "text/javascript"


def test_it_serves_stylesheets_as_text_css() -> None:
    # WeasyPrint ignores a linked stylesheet served with any other type.
    assert StaticFileFetcher().fetch(STYLESHEET_URL).content_type == "text/css"


def test_it_serves_data_uris() -> None:
    response = StaticFileFetcher().fetch("data:text/plain;base64,aGVsbG8=")

    assert response.read() == b"hello"
    assert response.content_type == "text/plain"


@pytest.mark.parametrize(
    "url",
    [
        "http://example.com/x",
        "https://example.com/static/css/pdf-base.css",
        "http://mesh-journey.internal/static/css/pdf-base.css",
        "file:///etc/passwd",
        "ftp://example.com/x",
        "gopher://example.com/x",
        PDF_BASE_URL + "static/../config/settings/base.py",
        PDF_BASE_URL + "static/%2e%2e/config/settings/base.py",
        PDF_BASE_URL + "static/css/..%2f..%2fconfig/settings/base.py",
        PDF_BASE_URL + "static//etc/passwd",
        PDF_BASE_URL + "static/%2fetc/passwd",
        PDF_BASE_URL + "static/css/..\\..\\config/settings/base.py",
        PDF_BASE_URL + "static/",
        PDF_BASE_URL + "static/vendor/missing.js",
        PDF_BASE_URL + "o/acme/",
        PDF_BASE_URL + "config/settings/base.py",
    ],
)
def test_it_refuses_everything_else(url: str) -> None:
    with pytest.raises(RefusedURL):
        StaticFileFetcher().fetch(url)


def test_it_refuses_a_symlink_out_of_a_static_dir(settings, tmp_path: Path) -> None:
    static_dir = tmp_path / "static"
    static_dir.mkdir()
    (static_dir / "leak.css").symlink_to(Path(settings.BASE_DIR) / "config/settings/base.py")
    settings.STATICFILES_DIRS = [static_dir]

    with pytest.raises(RefusedURL):
        StaticFileFetcher().fetch(PDF_BASE_URL + "static/leak.css")


def test_it_serves_hashed_names_from_static_root(settings, tmp_path: Path) -> None:
    # Under manifest storage {% static %} writes names that exist only in STATIC_ROOT.
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "css").mkdir()
    (tmp_path / "css" / "pdf-base.0123abcd.css").write_text("html { color: black }")

    response = StaticFileFetcher().fetch(PDF_BASE_URL + "static/css/pdf-base.0123abcd.css")

    assert response.read() == b"html { color: black }"


@pytest.mark.usefixtures("test_templates")
def test_it_renders_a_template_to_pdf() -> None:
    pdf = _render()

    assert pdf.startswith(b"%PDF")
    assert "PDF smoke test for Acme" in _text(pdf)


@pytest.mark.usefixtures("test_templates")
def test_it_escapes_the_context() -> None:
    assert "PDF smoke test for <b>Acme</b>" in _text(_render(title="<b>Acme</b>"))


@pytest.mark.usefixtures("test_templates")
def test_it_applies_the_static_stylesheet(pdf_fetches: list[tuple[str, str]]) -> None:
    pdf = _render()

    assert (STYLESHEET_URL, "served") in pdf_fetches
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    assert all("+DejaVu-Sans" in font.get_object()["/BaseFont"] for font in fonts)


@pytest.mark.usefixtures("test_templates")
def test_it_never_fetches_remote_images(
    pdf_fetches: list[tuple[str, str]], no_network: list
) -> None:
    _render()

    assert (REMOTE_IMAGE_URL, "refused") in pdf_fetches
    assert no_network == []


@pytest.mark.usefixtures("test_templates")
def test_it_responds_with_an_attachment() -> None:
    response = pdf_response(_render(), "canvas.pdf")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="canvas.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content.startswith(b"%PDF")
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.usefixtures("test_templates")
def test_it_heads_every_page_with_the_title_and_foots_it_with_date_and_page_number() -> None:
    pages = _sections_pdf()

    assert len(pages) >= 4
    for number, text in enumerate(pages, start=1):
        assert "Sections for Acme" in text
        assert "Exported 4 March 2026, 09:30" in text
        assert f"Page {number} of {len(pages)}" in text


@pytest.mark.usefixtures("test_templates")
def test_it_names_the_section_a_page_continues() -> None:
    pages = _sections_pdf()
    beta_starts = next(i for i, text in enumerate(pages) if "Beta line 1 " in text)

    # Not on the page where the section's own heading is printed, on every page after it.
    assert "(continued)" not in pages[0]
    assert all("Alpha (continued)" in text for text in pages[1:beta_starts])
    assert "(continued)" not in pages[beta_starts]
    assert all("Beta (continued)" in text for text in pages[beta_starts + 1 :])
    assert beta_starts + 1 < len(pages)


@pytest.mark.usefixtures("test_templates")
def test_it_dates_the_export_when_the_context_gives_no_time() -> None:
    # Minute precision: a render across a minute boundary shows the later minute.
    before = dateformat.format(timezone.localtime(), "j F Y, H:i")
    text = _text(_render())
    after = dateformat.format(timezone.localtime(), "j F Y, H:i")

    assert f"Exported {before}" in text or f"Exported {after}" in text
