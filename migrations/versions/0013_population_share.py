"""the local population's share of each group, beside the reach tables

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-02 09:45:00.000000

A new table only: population_share (area, dimension, group_label, share), loaded by
`flask import population`. Existing databases start with none, and the reach tables then show no
"Local population" column.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('population_share',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('area', sa.String(length=120), nullable=False),
    sa.Column('dimension', sa.String(length=20), nullable=False),
    sa.Column('group_label', sa.String(length=60), nullable=False),
    sa.Column('share', sa.Numeric(precision=4, scale=1), nullable=False),
    sa.CheckConstraint('share >= 0 AND share <= 100', name=op.f('ck_population_share_share_range')),
    sa.CheckConstraint("dimension IN ('imd_quintile', 'ethnic_group', 'sex', 'age_band')",
                       name=op.f('ck_population_share_dimension_known')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_population_share')),
    sa.UniqueConstraint('area', 'dimension', 'group_label', name='uq_population_share_natural_key')
    )


def downgrade():
    op.drop_table('population_share')
