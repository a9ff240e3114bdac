"""the activity tables' type check as one comparison per type, not an IN list

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06 11:50:00.000000

ck_activity_type_known and ck_comparison_activity_type_known allow the same seven activity types
as before, written `activity_type = 'gp_surgery' OR ...` instead of `activity_type IN (...)`.
SQLite builds an IN list's lookup table again for every row it checks: storing a practice
extract's 262,000 pooled rows took about 2.3 s with the IN list and 1.0 s without it, in memory.
PostgreSQL checks both forms alike. On SQLite each table is copied into its new definition (batch
mode); no row changes.
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None

TYPES = ('gp_surgery', 'gp_home_visit', 'gp_telephone', 'practice_nurse', 'ae_attendance', 'emergency_admission',
         'outpatient')
AS_LIST = "activity_type IN (" + ", ".join(f"'{kind}'" for kind in TYPES) + ")"
AS_COMPARISONS = " OR ".join(f"activity_type = '{kind}'" for kind in TYPES)


def _check(condition: str) -> None:
    for table in ('activity', 'comparison_activity'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(op.f(f'ck_{table}_type_known'), type_='check')
            batch_op.create_check_constraint(op.f(f'ck_{table}_type_known'), condition)


def upgrade():
    _check(AS_COMPARISONS)


def downgrade():
    _check(AS_LIST)
