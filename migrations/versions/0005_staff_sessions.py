"""staff sessions held on the server, so signing out and the timeouts end them

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 04:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('ended_reason', sa.String(length=40), nullable=True),
    sa.Column('remote_addr', sa.String(length=64), nullable=False),
    sa.Column('user_agent', sa.String(length=200), nullable=False),
    sa.CheckConstraint('(ended_at IS NULL) = (ended_reason IS NULL)', name=op.f('ck_staff_session_ended_has_reason')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_staff_session_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_staff_session_token_hash'))
    )
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.create_index('ix_staff_session_user_open', ['user_id', 'ended_at'], unique=False)


def downgrade():
    with op.batch_alter_table('staff_session', schema=None) as batch_op:
        batch_op.drop_index('ix_staff_session_user_open')

    op.drop_table('staff_session')
