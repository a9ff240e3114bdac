"""the person's risk record and safeguarding concerns

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 08:00:00.000000

The home-visit risks ticked on referrals become the person's risk record, for every referral
that has a person (was accepted): each ticked risk once per person, from the latest referral
that ticked it, recorded by "the referral" (no member of staff) at the referral's received_at;
a referral's risk notes become an "other" risk named "Note from the referral". Nothing is
inferred for people whose referrals ticked nothing: their record says the risks are not yet
assessed, never "no known risks".
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

RISKS = ('dog', 'aggression', 'others_in_home', 'safeguarding', 'smoking', 'access', 'other')
REFERRAL_NOTE = 'Note from the referral'


def upgrade():
    op.create_table('person_risk',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('risk', sa.String(length=40), nullable=False),
    sa.Column('other_text', sa.String(length=200), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('from_referral_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', sa.DateTime(), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('ended_by_id', sa.Integer(), nullable=True),
    sa.Column('end_reason', sa.Text(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("risk IN (" + ", ".join(f"'{risk}'" for risk in RISKS) + ")",
                       name=op.f('ck_person_risk_risk_known')),
    sa.CheckConstraint("(risk = 'other') = (other_text IS NOT NULL)", name=op.f('ck_person_risk_other_has_text')),
    sa.CheckConstraint('recorded_by_id IS NOT NULL OR from_referral_id IS NOT NULL',
                       name=op.f('ck_person_risk_has_recorder')),
    sa.CheckConstraint('(reviewed_at IS NULL) = (reviewed_by_id IS NULL)', name=op.f('ck_person_risk_reviewed_has_who')),
    sa.CheckConstraint('(ended_at IS NULL) = (ended_by_id IS NULL) AND (ended_at IS NULL) = (end_reason IS NULL)',
                       name=op.f('ck_person_risk_ended_has_who_and_why')),
    sa.CheckConstraint('ended_at IS NULL OR ended_at >= recorded_at', name=op.f('ck_person_risk_ended_after_recorded')),
    sa.ForeignKeyConstraint(['ended_by_id'], ['user_account.id'], name=op.f('fk_person_risk_ended_by_id_user_account')),
    sa.ForeignKeyConstraint(['from_referral_id'], ['referral.id'], name=op.f('fk_person_risk_from_referral_id_referral')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_person_risk_person_id_person')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'],
                            name=op.f('fk_person_risk_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'],
                            name=op.f('fk_person_risk_reviewed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_risk'))
    )
    with op.batch_alter_table('person_risk', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_risk_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_person_risk_person_ended', ['person_id', 'ended_at'], unique=False)

    op.create_table('no_known_risks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_no_known_risks_person_id_person')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'],
                            name=op.f('fk_no_known_risks_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_no_known_risks'))
    )
    with op.batch_alter_table('no_known_risks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_no_known_risks_person_id'), ['person_id'], unique=False)

    op.create_table('safeguarding_concern',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('raised_on', sa.Date(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('concern', sa.Text(), nullable=False),
    sa.Column('action_taken', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('closed_by_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_safeguarding_concern_status_known')),
    sa.CheckConstraint("(status = 'closed') = (closed_on IS NOT NULL)",
                       name=op.f('ck_safeguarding_concern_closed_has_date')),
    sa.CheckConstraint('(closed_on IS NULL) = (closed_by_id IS NULL) AND (closed_on IS NULL) = (outcome IS NULL)',
                       name=op.f('ck_safeguarding_concern_closed_has_who_and_outcome')),
    sa.CheckConstraint('closed_on IS NULL OR closed_on >= raised_on',
                       name=op.f('ck_safeguarding_concern_closed_after_raised')),
    sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'],
                            name=op.f('fk_safeguarding_concern_closed_by_id_user_account')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_safeguarding_concern_person_id_person')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['user_account.id'],
                            name=op.f('fk_safeguarding_concern_raised_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_safeguarding_concern'))
    )
    with op.batch_alter_table('safeguarding_concern', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_safeguarding_concern_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_safeguarding_concern_status_raised_on', ['status', 'raised_on'], unique=False)

    _carry_referral_risks()


def _carry_referral_risks():
    """Copy accepted referrals' ticked risks and risk notes into the people's risk records."""
    connection = op.get_bind()
    referral = sa.table('referral', sa.column('id', sa.Integer), sa.column('person_id', sa.Integer),
                        sa.column('received_at', sa.DateTime), sa.column('risk_notes', sa.Text))
    referral_risk = sa.table('referral_risk', sa.column('referral_id', sa.Integer), sa.column('risk', sa.String))
    person_risk = sa.table('person_risk', sa.column('person_id', sa.Integer), sa.column('risk', sa.String),
                           sa.column('other_text', sa.String), sa.column('detail', sa.Text),
                           sa.column('recorded_at', sa.DateTime), sa.column('from_referral_id', sa.Integer),
                           sa.column('version', sa.Integer))
    referrals = connection.execute(
        sa.select(referral.c.id, referral.c.person_id, referral.c.received_at, referral.c.risk_notes)
        .where(referral.c.person_id.is_not(None)).order_by(referral.c.received_at, referral.c.id)).all()
    ticked: dict[int, list[str]] = {}
    for referral_id, risk in connection.execute(sa.select(referral_risk.c.referral_id, referral_risk.c.risk)):
        ticked.setdefault(referral_id, []).append(risk)
    latest: dict[tuple[int, str], dict] = {}   # (person, risk or note) -> row, from the latest referral
    for referral_id, person_id, received_at, notes in referrals:
        for risk in ticked.get(referral_id, []):
            if risk in RISKS and risk != 'other':
                latest[(person_id, risk)] = dict(person_id=person_id, risk=risk, other_text=None, detail='',
                                                 recorded_at=received_at, from_referral_id=referral_id, version=1)
        if (notes or '').strip():
            latest[(person_id, notes.strip())] = dict(
                person_id=person_id, risk='other', other_text=REFERRAL_NOTE, detail=notes.strip(),
                recorded_at=received_at, from_referral_id=referral_id, version=1)
    rows = list(latest.values())
    if rows:
        connection.execute(person_risk.insert(), rows)


def downgrade():
    with op.batch_alter_table('safeguarding_concern', schema=None) as batch_op:
        batch_op.drop_index('ix_safeguarding_concern_status_raised_on')
        batch_op.drop_index(batch_op.f('ix_safeguarding_concern_person_id'))

    op.drop_table('safeguarding_concern')
    with op.batch_alter_table('no_known_risks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_no_known_risks_person_id'))

    op.drop_table('no_known_risks')
    with op.batch_alter_table('person_risk', schema=None) as batch_op:
        batch_op.drop_index('ix_person_risk_person_ended')
        batch_op.drop_index(batch_op.f('ix_person_risk_person_id'))

    op.drop_table('person_risk')
