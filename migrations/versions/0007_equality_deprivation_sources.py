"""equality fields on the person, the deprivation lookup, referral sources

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 08:00:00.000000

Existing people and referrals become "not stated" (sex, ethnic category Z, carer not known) and
existing referrals came from a GP practice: the server defaults fill them, and stay, so that
bulk inserts that leave a column out mean the same.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None

IDENTITY_TABLES = ('person', 'referral')


def _equality_columns():
    return [
        sa.Column('sex', sa.String(length=12), server_default='not_stated', nullable=False),
        sa.Column('ethnic_category', sa.String(length=1), server_default='Z', nullable=False),
        sa.Column('carer', sa.String(length=12), server_default='not_known', nullable=False),
        sa.Column('interpreter_needed', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('preferred_language', sa.String(length=60), server_default='', nullable=False),
        sa.Column('reasonable_adjustments', sa.Text(), server_default='', nullable=False),
        sa.Column('reasonable_adjustments_flag', sa.Boolean(), server_default=sa.false(), nullable=False),
    ]


def upgrade():
    op.create_table('deprivation_area',
    sa.Column('postcode', sa.String(length=8), nullable=False),
    sa.Column('imd_decile', sa.Integer(), nullable=False),
    sa.CheckConstraint('imd_decile BETWEEN 1 AND 10', name=op.f('ck_deprivation_area_imd_decile_range')),
    sa.PrimaryKeyConstraint('postcode', name=op.f('pk_deprivation_area'))
    )
    for table in IDENTITY_TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in _equality_columns():
                batch_op.add_column(column)
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=30), server_default='gp_practice', nullable=False))
        batch_op.add_column(sa.Column('source_organisation', sa.String(length=120), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_column('source_organisation')
        batch_op.drop_column('source')
    for table in reversed(IDENTITY_TABLES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for column in reversed(_equality_columns()):
                batch_op.drop_column(column.name)
    op.drop_table('deprivation_area')
