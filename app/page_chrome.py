"""The skip link, header and footer of every page, rendered once for each distinct set of values
and kept.

The NHS.UK header macro was about 3.5 ms of every page (the whole of an empty page is about
5 ms). What it prints depends only on the values passed to it — the signed-in person's name,
role and practice, the navigation with the current item, and a few addresses — so each distinct
set is rendered once (templates/macros/chrome.html) and kept, keyed by all of them. The one part
that differs per request, the sign-out form's CSRF token, is rendered as a placeholder and
swapped for the request's token with `Markup.replace`, which escapes what it puts in.
"""
from __future__ import annotations

from functools import lru_cache

from flask import get_template_attribute, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from app.navigation import navigation_for

# Printed as it is (a constant, not anyone's text), so it has a raw "<": a name or address is
# always printed escaped, so it can never contain this and be mistaken for it.
TOKEN_PLACEHOLDER = Markup("<hl-csrf-token>")


def header(user) -> Markup:
    """The page header for `user` (signed in or not), with this request's sign-out token."""
    if not user.is_authenticated:
        return _rendered("signed_out_header", (url_for("auth.login"),))
    account = " · ".join([user.name, user.role_enum.label] + ([user.practice.name] if user.practice else []))
    navigation = tuple(tuple(sorted(item.items())) for item in navigation_for(user))
    kept = _rendered("signed_in_header",
                     (url_for("main.index"), account, url_for("account.index"), url_for("auth.logout"),
                      TOKEN_PLACEHOLDER, navigation))
    return kept.replace(TOKEN_PLACEHOLDER, generate_csrf())


def skip_link() -> Markup:
    """The NHS.UK skip link to the page's main content: the same on every page."""
    return _rendered("skip_link", ())


def footer(user) -> Markup:
    home = url_for("main.index") if user.is_authenticated else url_for("auth.login")
    return _rendered("page_footer", (home, url_for("main.accessibility")))


@lru_cache(maxsize=1024)
def _rendered(macro: str, values: tuple) -> Markup:
    """One macro of templates/macros/chrome.html called with `values` (navigation items as
    sorted pairs, made dicts again). The same values print the same HTML in any app, so the
    apps of one process (the tests make many) share what is kept."""
    arguments = [[dict(item) for item in value] if isinstance(value, tuple) else value for value in values]
    return get_template_attribute("macros/chrome.html", macro)(*arguments)
