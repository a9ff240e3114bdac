from flask import Blueprint

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")

from app.dashboard import routes  # noqa: E402,F401


@bp.app_template_filter("dashboard_cell")
def dashboard_cell(value, kind: str = "text") -> str:
    """A table cell as shown on the page: "<5" and text as they are, numbers formatted by kind."""
    if value is None or value == "":
        return "—" if kind != "text" else ""
    if isinstance(value, str):
        return value
    if kind == "count":
        return f"{value:,}"
    if kind == "pct":
        return _signed(f"{value:.1f}") + "%"
    if kind == "gbp":
        amount = _signed(f"{value:,.0f}")
        return amount.replace("−", "−£") if amount.startswith("−") else f"£{amount}"
    if kind == "num":
        return _signed(f"{value:.2f}")
    if kind == "p":
        return f"{value:.2g}" if value >= 0.001 else "<0.001"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _signed(text: str) -> str:
    """A formatted number with a real minus sign, and none on a value that rounds to zero
    ("0.00", not "−0.00": an interval's end just below zero is printed as zero)."""
    if text.startswith("-") and not any(c in "123456789" for c in text):
        text = text[1:]
    return text.replace("-", "−")


@bp.app_context_processor
def dashboard_helpers():
    from flask import url_for

    def export_url(name: str, fmt: str, view) -> str:
        return url_for("dashboard.export", name=name, fmt=fmt, **view.filters.query_args())

    def make_exporter(view):
        return lambda name, fmt: export_url(name, fmt, view)

    from app.analytics.estimate_tables import imbalanced_labels, status

    return {"export_url": export_url, "make_exporter": make_exporter, "estimate_state": status,
            "imbalanced_labels": imbalanced_labels}


@bp.app_template_filter("in_sentence")
def in_sentence(label: str) -> str:
    from app.analytics.estimate_tables import in_sentence as mid_sentence

    return mid_sentence(label)


@bp.app_template_filter("activity_label")
def activity_label(value: str) -> str:
    from app.models.vocab import ActivityType

    return ActivityType(value).label
