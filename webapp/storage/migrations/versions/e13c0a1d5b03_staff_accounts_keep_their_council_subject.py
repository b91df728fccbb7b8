"""Staff accounts keep their council sign-in subject

Revision ID: e13c0a1d5b03
Revises: d13b7e2f9c02
Create Date: 2026-12-01 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e13c0a1d5b03'
down_revision = 'd13b7e2f9c02'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('council_subject', sa.String(length=255), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_user_account_council_subject'), ['council_subject']
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_account_council_subject'), type_='unique')
        batch_op.drop_column('council_subject')
