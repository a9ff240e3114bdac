"""the dashboard's kept records, stored for every app process

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 17:00:00.000000

dashboard_records: the frames the landing view reads (app.analytics.records), one row per frame
under a digest of the figures' version and the data's fingerprint, so that a web process can
work out a view nobody has opened from them instead of reading its rows again. Empty until the
landing view is next worked out. No data changes.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dashboard_records',
                    sa.Column('key', sa.String(length=64), nullable=False),
                    sa.Column('frame', sa.String(length=16), nullable=False),
                    sa.Column('data', sa.LargeBinary(), nullable=False),
                    sa.Column('as_of', sa.Date(), nullable=True),
                    sa.Column('created_at', sa.DateTime(), nullable=False),
                    sa.PrimaryKeyConstraint('key', 'frame', name=op.f('pk_dashboard_records')))


def downgrade():
    op.drop_table('dashboard_records')
