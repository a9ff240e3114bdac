"""the pseudonymised comparison cohort and its matching runs

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 08:00:00.000000

New tables only (nothing existing changes): comparison_person (keyed-hash pseudonyms, never
NHS numbers), comparison_activity, comparison_cohort (how each cohort was made) and
comparison_member.  Existing databases start with no comparison cohort, which the dashboard
and the report treat as "no comparison yet".
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

ACTIVITY_TYPE_CHECK = ("activity_type IN ('gp_surgery', 'gp_home_visit', 'gp_telephone', 'practice_nurse', "
                       "'ae_attendance', 'emergency_admission', 'outpatient')")


def upgrade():
    op.create_table('comparison_person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pseudonym', sa.String(length=64), nullable=False),
    sa.Column('practice_id', sa.Integer(), nullable=True),
    sa.Column('sex', sa.String(length=12), nullable=True),
    sa.Column('year_of_birth', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('year_of_birth IS NULL OR (year_of_birth BETWEEN 1880 AND 2100)',
                       name=op.f('ck_comparison_person_year_of_birth_range')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_comparison_person_practice_id_practice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comparison_person')),
    sa.UniqueConstraint('pseudonym', name=op.f('uq_comparison_person_pseudonym'))
    )
    with op.batch_alter_table('comparison_person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comparison_person_practice_id'), ['practice_id'], unique=False)

    op.create_table('comparison_activity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('comparison_person_id', sa.Integer(), nullable=False),
    sa.Column('activity_date', sa.Date(), nullable=False),
    sa.Column('activity_type', sa.String(length=24), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('import_id', sa.Integer(), nullable=True),
    sa.CheckConstraint(ACTIVITY_TYPE_CHECK, name=op.f('ck_comparison_activity_type_known')),
    sa.CheckConstraint('count >= 1', name=op.f('ck_comparison_activity_count_positive')),
    sa.ForeignKeyConstraint(['comparison_person_id'], ['comparison_person.id'],
                            name=op.f('fk_comparison_activity_comparison_person_id_comparison_person'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['import_id'], ['activity_import.id'],
                            name=op.f('fk_comparison_activity_import_id_activity_import')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comparison_activity')),
    sa.UniqueConstraint('comparison_person_id', 'activity_date', 'activity_type',
                        name='uq_comparison_activity_natural_key')
    )
    with op.batch_alter_table('comparison_activity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comparison_activity_import_id'), ['import_id'], unique=False)

    op.create_table('comparison_cohort',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=True),
    sa.Column('parameters', sa.Text(), nullable=False),
    sa.Column('seed', sa.Integer(), nullable=True),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('members', sa.Integer(), nullable=False),
    sa.Column('referred_matched', sa.Integer(), nullable=True),
    sa.Column('referred_unmatched', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint("kind IN ('import', 'match')", name=op.f('ck_comparison_cohort_kind_known')),
    sa.ForeignKeyConstraint(['by_id'], ['user_account.id'], name=op.f('fk_comparison_cohort_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comparison_cohort'))
    )
    with op.batch_alter_table('comparison_cohort', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_comparison_cohort_created_at'), ['created_at'], unique=False)

    op.create_table('comparison_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('comparison_person_id', sa.Integer(), nullable=False),
    sa.Column('anchor_date', sa.Date(), nullable=False),
    sa.Column('matched_person_id', sa.Integer(), nullable=True),
    sa.Column('distance', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['comparison_cohort.id'],
                            name=op.f('fk_comparison_member_cohort_id_comparison_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['comparison_person_id'], ['comparison_person.id'],
                            name=op.f('fk_comparison_member_comparison_person_id_comparison_person'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['matched_person_id'], ['person.id'],
                            name=op.f('fk_comparison_member_matched_person_id_person'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comparison_member'))
    )
    with op.batch_alter_table('comparison_member', schema=None) as batch_op:
        batch_op.create_index('ix_comparison_member_cohort_person', ['cohort_id', 'comparison_person_id'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_comparison_member_comparison_person_id'), ['comparison_person_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('comparison_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comparison_member_comparison_person_id'))
        batch_op.drop_index('ix_comparison_member_cohort_person')
    op.drop_table('comparison_member')
    with op.batch_alter_table('comparison_cohort', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comparison_cohort_created_at'))
    op.drop_table('comparison_cohort')
    with op.batch_alter_table('comparison_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comparison_activity_import_id'))
    op.drop_table('comparison_activity')
    with op.batch_alter_table('comparison_person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_comparison_person_practice_id'))
    op.drop_table('comparison_person')
