"""a partial index of open episodes by officer

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 08:30:00.000000

ix_episode_open_by_officer: episode(officer_id) WHERE discharged_on IS NULL. Triage's panel of
open caseloads counts each officer's open episodes on every page view; with this index each
count reads only that officer's open entries (an index-only scan), not every open episode of the
service grouped. No data changes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('episode', schema=None) as batch_op:
        batch_op.create_index('ix_episode_open_by_officer', ['officer_id'], unique=False,
                              postgresql_where=sa.text('discharged_on IS NULL'),
                              sqlite_where=sa.text('discharged_on IS NULL'))


def downgrade():
    with op.batch_alter_table('episode', schema=None) as batch_op:
        batch_op.drop_index('ix_episode_open_by_officer')
