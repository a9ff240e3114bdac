"""API clients and inbound FHIR messages

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 08:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('api_client',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('endpoint', sa.String(length=500), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_api_client_practice_id_practice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_client')),
    sa.UniqueConstraint('name', name=op.f('uq_api_client_name')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_client_token_hash'))
    )
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_client_practice_id'), ['practice_id'], unique=False)

    op.create_table('inbound_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('api_client_id', sa.Integer(), nullable=False),
    sa.Column('referral_id', sa.Integer(), nullable=True),
    sa.Column('received_at', sa.DateTime(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['api_client_id'], ['api_client.id'], name=op.f('fk_inbound_message_api_client_id_api_client')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_inbound_message_referral_id_referral')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbound_message')),
    sa.UniqueConstraint('message_id', name=op.f('uq_inbound_message_message_id'))
    )
    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbound_message_api_client_id'), ['api_client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbound_message_referral_id'), ['referral_id'], unique=False)

    # ORUK import (issue 14 item 6): a schedule's attending_type is free text, longer than 40 in the
    # standard's own example service.
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.alter_column('attending_type', existing_type=sa.String(length=40), type_=sa.Text(),
                              existing_nullable=True)


def downgrade():
    with op.batch_alter_table('schedule', schema=None) as batch_op:
        batch_op.alter_column('attending_type', existing_type=sa.Text(), type_=sa.String(length=40),
                              existing_nullable=True)

    with op.batch_alter_table('inbound_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbound_message_referral_id'))
        batch_op.drop_index(batch_op.f('ix_inbound_message_api_client_id'))

    op.drop_table('inbound_message')
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_client_practice_id'))

    op.drop_table('api_client')
