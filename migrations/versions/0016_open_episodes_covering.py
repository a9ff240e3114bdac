"""the open-episodes index carries what the caseload counts read

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 00:15:00.000000

ix_episode_open_by_officer (migration 0014) is made again on PostgreSQL with the columns the
caseload's counts read (first seen, first and last contact, allocation and opening) included:
the manager's summary of every officer's open caseload then reads this index alone (an
index-only scan) instead of the episode table, about 6 ms instead of 10 ms at 25,000 open
episodes. SQLite has no included columns; its index is unchanged. No data changes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

INCLUDED = ['officer_seen_at', 'first_contact_on', 'allocated_at', 'opened_at', 'last_contact_on']


def _remake(include):
    if op.get_context().dialect.name != 'postgresql':
        return
    op.drop_index('ix_episode_open_by_officer', table_name='episode')
    op.create_index('ix_episode_open_by_officer', 'episode', ['officer_id'], unique=False,
                    postgresql_where=sa.text('discharged_on IS NULL'), postgresql_include=include)


def upgrade():
    _remake(INCLUDED)


def downgrade():
    _remake([])
