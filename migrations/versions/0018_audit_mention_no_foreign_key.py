"""audit_mention without its foreign key to audit_event

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06 21:30:00.000000

A mention is written with its event (in the same statement on PostgreSQL) and the audit log is
only ever added to, so the key guarded nothing the writing does not. Its check was a trigger call
per mention row: 66 for an officer's caseload page, about 0.4 ms of PostgreSQL's time a view.
The primary key (audit_event_id, kind, ref_id) and the search index stay. No row changes; on
SQLite the table is copied into its new definition (batch mode).
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

KEY = 'fk_audit_mention_audit_event_id_audit_event'


def upgrade():
    with op.batch_alter_table('audit_mention', schema=None) as batch_op:
        batch_op.drop_constraint(KEY, type_='foreignkey')


def downgrade():
    with op.batch_alter_table('audit_mention', schema=None) as batch_op:
        batch_op.create_foreign_key(KEY, 'audit_event', ['audit_event_id'], ['id'], ondelete='CASCADE')
