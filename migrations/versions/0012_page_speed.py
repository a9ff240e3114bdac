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


def downgrade():
    with op.batch_alter_table('episode', schema=None) as batch_op:
        batch_op.drop_column('last_contact_on')
