"""Jinja set-up: our templates first, then the NHS.UK frontend macros."""
from __future__ import annotations

from collections import ChainMap
from datetime import date, datetime

from flask import Flask
from flask.templating import Environment as FlaskEnvironment
from jinja2 import ChainableUndefined, ChoiceLoader, FileSystemLoader, PackageLoader

from app.assets import NHSUK_VERSION
from app.config import REPO_ROOT
from app.models.base import long_date, uk_local
from app.models.vocab import HomeVisitRisk, NeedArea
from app.oruk.checks import web_address


def format_date(value: date | datetime | None, style: str = "long") -> str:
    """A date, or a stored UTC moment on the UK's clock and calendar ("long": 7 December 2026,
    "short": 07/12/2026, "time": 7 December 2026 at 14:05, "stamp": 07/12/2026 14:05:09)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = uk_local(value)
    if style == "short":
        return value.strftime("%d/%m/%Y")
    if style == "stamp":  # to the second, for the audit log
        return value.strftime("%d/%m/%Y %H:%M:%S")
    text = long_date(value.date() if isinstance(value, datetime) else value)  # already on the UK's clock
    if isinstance(value, datetime) and style == "time":
        text += value.strftime(" at %H:%M")
    return text


def hours_and_minutes(minutes: int) -> str:
    """A length of time in whole minutes as the visit pages say it: "40 min", "1 hr 5 min"."""
    return (f"{minutes // 60} hr " if minutes >= 60 else "") + f"{minutes % 60} min"


def format_iso(value: str | None, style: str = "long") -> str:
    """A date or a stored UTC moment kept as ISO text (the dashboard's figures), shown as
    `format_date` shows it; text that is neither is shown as it is."""
    if not value:
        return ""
    try:
        parsed = datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
    except (TypeError, ValueError):
        return str(value)
    return format_date(parsed, style)


class TemplateGlobals(ChainMap):
    """A template's globals over the environment's, as Jinja keeps them, but whose keys() is a
    set. Every `{% from ... import ... %}` takes the importing page's global names less the
    imported template's: against a ChainMap's keys view that is a Python loop over every name
    (about 10 µs an import, 27 imports on a support record); against a set it is one C call.
    The keys are read afresh each time, so globals added later are seen as before."""

    def keys(self):  # type: ignore[override]
        return set().union(*self.maps)


class Environment(FlaskEnvironment):
    def make_globals(self, d):
        return TemplateGlobals({} if d is None else d, self.globals)


def configure_jinja(app: Flask) -> None:
    app.jinja_environment = Environment  # before app.jinja_env is first made, below
    # Escape in every template, not only .html (Flask's default): the NHS.UK macros are .jinja
    # files, and they print their `text` params (names, notes, flash messages) as they get them.
    app.jinja_options = {
        **app.jinja_options,
        "autoescape": True,
        "undefined": ChainableUndefined,
        "loader": ChoiceLoader([
            FileSystemLoader(str(REPO_ROOT / "templates")),
            PackageLoader("nhsuk_frontend_jinja"),
        ]),
    }
    app.jinja_env.filters["date"] = format_date
    app.jinja_env.filters["iso_date"] = format_iso
    app.jinja_env.filters["hours_and_minutes"] = hours_and_minutes
    app.jinja_env.globals["NHSUK_VERSION"] = NHSUK_VERSION
    app.jinja_env.filters["need_label"] = lambda value: NeedArea(value).label
    app.jinja_env.filters["risk_label"] = lambda value: HomeVisitRisk(value).label
    # Only http(s) addresses become links, whatever an older import left in the database.
    app.jinja_env.filters["web_address"] = web_address

    from app import page_chrome

    app.jinja_env.globals["page_header"] = page_chrome.header
    app.jinja_env.globals["page_footer"] = page_chrome.footer
    app.jinja_env.globals["page_skip_link"] = page_chrome.skip_link
