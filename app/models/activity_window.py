"""Each person's activity summed over the dashboard's standard windows, kept as a derived table.

The dashboard's GP figures need, for every person supported, the activity in the 12 months
before and the 12 months after their referral.  Summing millions of activity rows on every
page request is what made a cold dashboard slow, so the sums are kept here: one row per person,
the anchor day they were summed around, and a pre and a post column per activity type.

Nothing here is a source of truth.  ``app.analytics.activity_windows`` brings it up to date
before every read (people whose activity or first referral changed since the last refresh),
and the whole table can be dropped and rebuilt from ``activity`` at any time.
"""
from __future__ import annotations

from sqlalchemy import Column, Date, ForeignKey, Integer, Table

from app.extensions import db
from outcomes.definitions import ACTIVITY_TYPES

#: The windows the dashboard shows (CONTRACT.md 4.4 default: 12 months around the referral).
WINDOW_MONTHS = 12
PRE_COLUMNS = tuple(f"pre_{kind}" for kind in ACTIVITY_TYPES)
POST_COLUMNS = tuple(f"post_{kind}" for kind in ACTIVITY_TYPES)

activity_window = Table(
    "activity_window", db.metadata,
    Column("person_id", ForeignKey("person.id", ondelete="CASCADE"), primary_key=True),
    Column("anchor_day", Date, nullable=False),
    *[Column(name, Integer, nullable=False, default=0) for name in PRE_COLUMNS + POST_COLUMNS],
)

#: What the summary was last brought up to date with: the highest activity id and activity
#: import id it has seen, how many episodes there were and the highest episode id, and the
#: window length it was summed over.  One row (id 1).
activity_window_state = Table(
    "activity_window_state", db.metadata,
    Column("id", Integer, primary_key=True),
    Column("window_months", Integer, nullable=False),
    Column("activity_id", Integer, nullable=False),
    Column("import_id", Integer, nullable=False),
    Column("episodes", Integer, nullable=False),
    Column("episode_id", Integer, nullable=False),
)
