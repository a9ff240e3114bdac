"""the outbox of messages back and the person-declined outcome

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 08:00:00.000000

Existing referrals keep their status (none can be `declined_by_person` yet) and have no
person-declined date; the status check constraint is rebuilt to admit the new status.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

OLD_STATUSES = ('received', 'more_info_requested', 'accepted', 'declined', 'allocated', 'first_contact',
                'in_support', 'discharged')
NEW_STATUSES = OLD_STATUSES + ('declined_by_person',)


def _status_check(statuses) -> str:
    return "status IN (" + ", ".join(f"'{status}'" for status in statuses) + ")"


def upgrade():
    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=False),
    sa.Column('api_client_id', sa.Integer(), nullable=False),
    sa.Column('event', sa.String(length=24), nullable=False),
    sa.Column('bundle', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("event IN ('accepted', 'declined_by_service', 'declined_by_person', 'discharged')",
                       name=op.f('ck_outbox_message_event_known')),
    sa.CheckConstraint("status IN ('pending', 'delivered', 'failed')", name=op.f('ck_outbox_message_status_known')),
    sa.ForeignKeyConstraint(['api_client_id'], ['api_client.id'],
                            name=op.f('fk_outbox_message_api_client_id_api_client')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_outbox_message_referral_id_referral')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_message_api_client_id'), ['api_client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_referral_id'), ['referral_id'], unique=False)
        batch_op.create_index('ix_outbox_message_status_next', ['status', 'next_attempt_at'], unique=False)

    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('person_declined_on', sa.Date(), nullable=True))
        batch_op.drop_constraint(op.f('ck_referral_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_referral_status_known'), sa.text(_status_check(NEW_STATUSES)))
        batch_op.create_check_constraint(
            op.f('ck_referral_person_declined_has_reason_and_date'),
            sa.text("status <> 'declined_by_person' OR (decline_reason IS NOT NULL AND person_declined_on IS NOT NULL)"))


def downgrade():
    # A person's decline has no place in the older schema: it becomes the service's decline,
    # keeping its reason, rather than being lost.
    op.execute("UPDATE referral SET status = 'declined' WHERE status = 'declined_by_person'")
    op.execute("UPDATE referral_event SET to_status = 'declined' WHERE to_status = 'declined_by_person'")
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_referral_person_declined_has_reason_and_date'), type_='check')
        batch_op.drop_constraint(op.f('ck_referral_status_known'), type_='check')
        batch_op.create_check_constraint(op.f('ck_referral_status_known'), sa.text(_status_check(OLD_STATUSES)))
        batch_op.drop_column('person_declined_on')

    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_message_status_next')
        batch_op.drop_index(batch_op.f('ix_outbox_message_referral_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_api_client_id'))
    op.drop_table('outbox_message')
