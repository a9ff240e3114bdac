"""Error pages written for people; a 500 rolls the session back."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.extensions import db

MESSAGES = {
    400: ("Something was wrong with that request", "Go back, check what you entered and try again."),
    403: ("You do not have access to this page",
          "Your role does not let you see this. If you think it should, ask your service manager."),
    404: ("Page not found", "Check the address, or go back to your home page."),
    405: ("That action is not allowed here", "Go back and use the buttons on the page."),
    409: ("Someone else changed this first", "Reload the page to see their change, then try again."),
    413: ("That file is too large", "Upload a file smaller than 20 MB."),
    429: ("Too many attempts", "Wait a minute, then try again."),
    500: ("Sorry, there is a problem with the service", "Try again later. Nothing you saved has been lost."),
}


def _wants_json() -> bool:
    return request.path.startswith("/openreferral") or request.path == "/healthz"


def render_error(status: int, detail: str | None = None):
    title, advice = MESSAGES.get(status, MESSAGES[500])
    if request.path.startswith("/fhir/"):  # other systems read an OperationOutcome, not a page
        from app.fhir_api.responses import error_response

        return error_response(status, detail or f"{title}. {advice}")
    if _wants_json():
        return {"status": status, "error": title, "detail": detail or advice}, status
    return render_template("errors/error.html", status=status, title=title,
                           advice=detail or advice), status


def _own_words(error: HTTPException) -> str | None:
    """What a view said when it aborted (`abort(400, "page must be ...")`), not Werkzeug's stock text."""
    stock = type(error).description
    return error.description if error.description and error.description != stock else None


def refuse_nul_characters():
    """A NUL character is never typed by a person, and PostgreSQL cannot store one in text:
    refuse it in the address, the query or a form before any view reads it."""
    sources = [request.args]
    if request.method == "POST" and request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        sources.append(request.form)
    values = [request.path] + [text for source in sources for key, items in source.lists() for text in (key, *items)]
    values += [upload.filename or "" for upload in request.files.values()] if request.method == "POST" else []
    if any("\x00" in value for value in values):
        return render_error(400, "Something you entered contains a character that cannot be stored. "
                                 "Remove it and try again.")
    return None


def register(app: Flask) -> None:
    for status in (400, 403, 404, 405, 409, 413, 429):
        app.register_error_handler(status, lambda error, status=status: render_error(status, _own_words(error)))
    app.before_request(refuse_nul_characters)

    @app.errorhandler(CSRFError)
    def csrf_refused(error):
        return render_error(400, "The form had expired or was not sent from Hearthlink. "
                                 "Go back, reload the page and submit it again.")

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return render_error(500)
