"""The summary back to the GP as a UK Core Composition, and the same summary as a PDF inside a
UK Core DocumentReference.

Sections follow the PRSB Social Prescribing Information Standard's "message back to GP"
headings in its order, **Plan and requested actions first** ("None" when there are none). Each
section carries its text as generated XHTML narrative; no section or document code is sent,
because none has been verified against the standard's SNOMED CT reference sets (the issue says:
send the text rather than an unverified code).
"""
from __future__ import annotations

import base64
from datetime import datetime, timezone
from html import escape

from app.fhir.codes import profile
from app.services.gp_summary import GpSummary

DOCUMENT_TITLE = "Social prescribing summary back to GP"


def _narrative(lines: list[str]) -> dict:
    if len(lines) == 1:
        body = f"<p>{escape(lines[0])}</p>"
    else:
        body = "<ul>" + "".join(f"<li>{escape(line)}</li>" for line in lines) + "</ul>"
    return {"status": "generated", "div": f'<div xmlns="http://www.w3.org/1999/xhtml">{body}</div>'}


def _author(service_name: str) -> dict:
    return {"type": "Organization", "display": service_name}


def composition(summary: GpSummary, *, patient_url: str, service_name: str,
                when: datetime | None = None) -> dict:
    when = when or datetime.now(timezone.utc)
    return {
        "resourceType": "Composition",
        "meta": {"profile": [profile("Composition")]},
        "status": "final",
        "type": {"text": DOCUMENT_TITLE},
        "subject": {"reference": patient_url},
        "date": when.isoformat(timespec="seconds"),
        "author": [_author(service_name)],
        "title": f"{DOCUMENT_TITLE}: discharged {summary.discharged_on.day} {summary.discharged_on:%B %Y}"
        if summary.discharged_on
        else DOCUMENT_TITLE,
        "confidentiality": "R",
        "section": [{"title": section.title, "text": _narrative(section.lines)} for section in summary.sections],
    }


def pdf_document_reference(pdf: bytes, *, patient_url: str, composition_url: str, service_name: str,
                           when: datetime | None = None) -> dict:
    """The PDF inline (base64 `attachment.data`), so one message carries everything. Its creation
    is the moment the message was made, with its offset: a date alone would be UTC's, a day early
    in the UK between 11pm and midnight in summer."""
    when = when or datetime.now(timezone.utc)
    return {
        "resourceType": "DocumentReference",
        "meta": {"profile": [profile("DocumentReference")]},
        "status": "current",
        "type": {"text": DOCUMENT_TITLE},
        "subject": {"reference": patient_url},
        "date": when.isoformat(timespec="seconds"),
        "author": [_author(service_name)],
        "description": f"{DOCUMENT_TITLE} (PDF, the same content as the Composition)",
        "context": {"related": [{"reference": composition_url}]},
        "content": [{"attachment": {"contentType": "application/pdf", "language": "en-GB",
                                    "data": base64.b64encode(pdf).decode("ascii"),
                                    "title": f"{DOCUMENT_TITLE}.pdf",
                                    "creation": when.isoformat(timespec="seconds")}}],
    }
