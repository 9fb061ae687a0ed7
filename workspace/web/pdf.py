"""PDF from self-contained HTML through WeasyPrint: the document never fetches anything
(inline SVG, system fonts), so a text typed by a user cannot make the server request a URL."""

from __future__ import annotations


def no_fetch(url, *args, **kwargs):
    """WeasyPrint's URL fetcher: every outside resource is refused."""
    raise ValueError(f"PDF resources are inline only: {url}")


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, url_fetcher=no_fetch).write_pdf()
