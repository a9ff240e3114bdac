"""indexes and kept columns for pages that cost what they show

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 08:00:00.000000

episode.last_contact_on: the date of the episode's last held contact, kept by
app/services/casework.py (keep_last_contact), so that the manager's per-officer caseload summary
counts flagged people from the open episodes alone instead of reading every contact. Existing
episodes get it from their contacts here. No new index: the caseload's per-episode lookups use
ix_contact_episode_status_on and ix_need_episode_status, which exist.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('episode', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_contact_on', sa.Date(), nullable=True))
    op.execute("UPDATE episode SET last_contact_on = (SELECT max(contact.contact_on) FROM contact "
               "WHERE contact.episode_id = episode.id AND contact.status = 'held')")
    _upgrade_lists()


def downgrade():
    _downgrade_lists()
    with op.batch_alter_table('episode', schema=None) as batch_op:
        batch_op.drop_column('last_contact_on')


# --- B: the lists a page at a time (triage, referrals, the audit log, the directory) ----------
# The audit log pages newest first on (at, id), and finds a person's events through the
# audit_mention table (an event's subject and the [person:<id>]/[referral:<id>] markers in its
# detail), never by scanning every event's detail. Existing events get their mentions here.
_MARKER = r"\[(person|referral):(\d{1,10})\]"


def _upgrade_lists():
    import re

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.create_index('ix_audit_event_at_id', ['at', 'id'], unique=False)
    op.create_table('audit_mention',
    sa.Column('audit_event_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['audit_event_id'], ['audit_event.id'], name=op.f('fk_audit_mention_audit_event_id_audit_event'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('audit_event_id', 'kind', 'ref_id', name=op.f('pk_audit_mention'))
    )
    with op.batch_alter_table('audit_mention', schema=None) as batch_op:
        batch_op.create_index('ix_audit_mention_kind_ref_id', ['kind', 'ref_id', 'audit_event_id'], unique=False)

    connection = op.get_bind()
    mention = sa.table('audit_mention', sa.column('audit_event_id', sa.Integer), sa.column('kind', sa.String),
                       sa.column('ref_id', sa.Integer))
    rows = connection.execute(sa.text(
        "SELECT id, subject_type, subject_id, detail FROM audit_event "
        "WHERE subject_type IN ('person', 'referral') OR detail LIKE '%[person:%' OR detail LIKE '%[referral:%'"))
    batch = []
    for event_id, subject_type, subject_id, detail in rows:
        found = [(subject_type, subject_id)] if subject_type in ('person', 'referral') else []
        found += re.findall(_MARKER, detail or '')
        ids = dict.fromkeys((kind, int(ident)) for kind, ident in found
                            if ident.isascii() and ident.isdigit() and 0 < int(ident) <= 2 ** 31 - 1)
        batch += [{'audit_event_id': event_id, 'kind': kind, 'ref_id': ref_id} for kind, ref_id in ids]
        if len(batch) >= 5000:
            op.bulk_insert(mention, batch)
            batch = []
    if batch:
        op.bulk_insert(mention, batch)


def _downgrade_lists():
    with op.batch_alter_table('audit_mention', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_mention_kind_ref_id')
    op.drop_table('audit_mention')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_event_at_id')
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)
