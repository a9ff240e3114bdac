"""activity windows summed again around each referral's UK day

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 15:30:00.000000

A person's GP activity before and after support is summed around their referral's day, which is
now the day on the UK's calendar (app/analytics/dates_sql.py, uk_day_of) where it was the UTC day:
a referral received between midnight and 1am in British Summer Time moves to the next day. The
sums are derived data; forgetting the state of the last refresh makes the next one rebuild them
all (app/analytics/activity_windows.py). The dashboard's cached figures carry the figures' version,
which moved too. No record changes.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DELETE FROM activity_window_state")


def downgrade():
    op.execute("DELETE FROM activity_window_state")  # summed on either calendar, rebuilt the same way
