"""Labels for stored values, for the support record's templates (one definition per list)."""
from __future__ import annotations

from app.models.base import uk_today
from app.models.contact import ContactKind, ContactStatus
from app.models.onward import OnwardKind, OnwardStatus
from app.models.person import DischargeReason
from app.models.support import GoalStatus, NeedStatus, PeerKind, Severity
from app.models.vocab import ContactMethod, HomeVisitRisk, NeedArea, Sector

LISTS = {"need": NeedArea, "risk": HomeVisitRisk, "contact_method": ContactMethod, "discharge": DischargeReason,
         "sector": Sector, "onward_kind": OnwardKind, "onward_status": OnwardStatus, "contact_kind": ContactKind,
         "contact_status": ContactStatus, "severity": Severity, "need_status": NeedStatus, "peer": PeerKind,
         "goal_status": GoalStatus}


def label(kind: str, value: str | None) -> str:
    if not value:
        return ""
    try:
        return LISTS[kind](value).label
    except ValueError:
        return value


def labels(kind: str, values) -> list[str]:
    return [label(kind, value) for value in values]


def _suggestions_for(episode, limit: int = 5) -> list:
    """Directory suggestions for the person's needs, when the directory is installed."""
    try:
        from app.services.suggestions import suggest_for
    except ImportError:
        return []
    return suggest_for(episode, limit=limit)


def _suggestions_partial() -> str | None:
    try:
        import app.services.suggestions  # noqa: F401
    except ImportError:
        return None
    return "directory/_suggestions.html"


def template_helpers() -> dict:
    return {"label": label, "labels": labels, "today": uk_today(), "suggestions_for": _suggestions_for,
            "suggestions_partial": _suggestions_partial()}
