"""PDF rendering for every printable page: journey canvases, assessments, workshop boards.

Pages are Django templates (autoescaped, never HTML from the user) turned into PDF by
WeasyPrint. Left to itself WeasyPrint fetches whatever URL a document names: other hosts,
file:// paths, services on the private network. Here it gets a fetcher that serves only
data: URIs and the app's own static files, read from disk, and refuses everything else.
"""

import contextlib
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.exceptions import ImproperlyConfigured, SuspiciousFileOperation
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Documents are rendered as if served from this origin, so "/static/css/pdf.css" from
# {% static %} becomes a URL the fetcher recognises. It never resolves on any network.
PDF_BASE_URL = "https://mesh-journey.internal/"


class RefusedURL(ValueError):
    """A document asked for a URL the PDF renderer must not fetch."""


class StaticFileFetcher(URLFetcher):
    """WeasyPrint fetcher that serves data: URIs and the app's static files only.

    WeasyPrint catches the exception of a refused fetch, logs it and leaves the resource out.
    """

    def __init__(self) -> None:
        # The parent opens data: URIs for us; pinning its protocols and redirects means it
        # could not reach the network even if a URL slipped past fetch() below.
        super().__init__(allowed_protocols={"data"}, allow_redirects=False)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = _static_file_for(url)
        if path is None:
            # The start of a URL is enough to find it in the log, and keeps the log readable.
            raise RefusedURL(f"PDFs may only use data: URIs and static files, not {url[:200]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def _static_file_for(url: str) -> Path | None:
    """The file behind a static URL on the internal origin, or None if it is not one."""
    prefix = urlsplit(urljoin(PDF_BASE_URL, settings.STATIC_URL))
    parts = urlsplit(url)
    if (parts.scheme, parts.netloc) != (prefix.scheme, prefix.netloc):
        return None
    if not parts.path.startswith(prefix.path):
        return None
    # Unquote before checking, so "%2e%2e" and "%2f" are caught as ".." and "/" too.
    name = unquote(parts.path.removeprefix(prefix.path))
    if "\\" in name or "\x00" in name:
        return None
    if any(segment in {"", ".", ".."} for segment in name.split("/")):
        return None
    return _find_static(name)


def _find_static(name: str) -> Path | None:
    # Source files first (development, tests), then collected files in STATIC_ROOT, which is
    # the only place the hashed names {% static %} writes under manifest storage exist.
    candidates = [finders.find(name)]
    # Storage that is not on local disk, or no STATIC_ROOT, simply has nothing to offer.
    with contextlib.suppress(NotImplementedError, ImproperlyConfigured, SuspiciousFileOperation):
        candidates.append(staticfiles_storage.path(name))
    roots = _static_roots()
    for candidate in candidates:
        if not candidate:
            continue
        # resolve() follows symlinks, so a link inside a static dir cannot point outside it.
        path = Path(candidate).resolve()
        if path.is_file() and any(path.is_relative_to(root) for root in roots):
            return path
    return None


def _static_roots() -> list[Path]:
    locations = [settings.STATIC_ROOT] if settings.STATIC_ROOT else []
    for finder in finders.get_finders():
        locations += [storage.location for storage in getattr(finder, "storages", {}).values()]
    return [Path(location).resolve() for location in locations]


def render_pdf(template_name: str, context: dict) -> bytes:
    """The template rendered to PDF bytes.

    No request: management commands and the background export worker call this too, so a
    PDF template may use only its context (and {% static %}), never context processors.
    """
    html = render_to_string(template_name, context)
    document = HTML(string=html, base_url=PDF_BASE_URL, url_fetcher=StaticFileFetcher())
    return document.write_pdf()


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A download of PDF bytes that no browser sniffs and no shared cache keeps."""
    response = HttpResponse(content, content_type="application/pdf")
    response.headers["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=filename
    )
    # Set here as well as by SecurityMiddleware: a download must never be sniffed as HTML.
    response.headers["X-Content-Type-Options"] = "nosniff"
    # Exports hold organisation data: no shared cache may keep a copy.
    response.headers["Cache-Control"] = "private, no-store"
    return response
