"""The summary back to the GP as a PDF: an HTML template rendered by WeasyPrint.

Why WeasyPrint: the summary is laid out as HTML and print CSS (a Jinja template beside the app's
others, autoescaped like them), so the same skills and escaping rules apply as for every page; it
is maintained, pure Python over Debian's pango, which `.ci/run` installs when it is missing.
ReportLab would have meant drawing the layout in code. The template is rendered with a plain
Jinja environment (no Flask request), so the worker and the web app produce identical files.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app.config import REPO_ROOT
from app.models.base import long_date, uk_today
from app.services.gp_summary import GpSummary

TEMPLATE = "summary/gp_summary.html"


def _longdate(value: date | None) -> str:
    return long_date(value) if value else ""


@lru_cache(maxsize=1)
def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(REPO_ROOT / "templates")),
                      autoescape=select_autoescape(default=True, default_for_string=True))
    env.filters["longdate"] = _longdate
    return env


def render_html(summary: GpSummary, *, service_name: str = "Hearthlink") -> str:
    nhs = summary.nhs_number
    return _environment().get_template(TEMPLATE).render(
        s=summary, service_name=service_name, produced_on=uk_today(),
        nhs_spaced=f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}" if len(nhs) == 10 and nhs.isdigit() else "")


def render_pdf(summary: GpSummary, *, service_name: str = "Hearthlink") -> bytes:
    """The PDF bytes. No URL is fetched: the template has no external files, and the fetcher
    refuses any, so hostile text in a record cannot make the renderer reach the network."""
    from weasyprint import HTML

    def no_fetch(url: str, *args, **kwargs):
        raise ValueError(f"the GP summary fetches nothing ({url[:40]})")

    return HTML(string=render_html(summary, service_name=service_name), url_fetcher=no_fetch).write_pdf()
