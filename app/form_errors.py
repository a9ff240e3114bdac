"""Putting a service's RuleBroken message next to the form field it belongs to."""
from __future__ import annotations

from flask_wtf import FlaskForm

from app.services.errors import RuleBroken


def attach_rule_error(form: FlaskForm, error: RuleBroken) -> None:
    field = getattr(form, error.field, None) if error.field else None
    if field is not None and hasattr(field, "errors"):
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)
