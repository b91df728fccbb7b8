"""A message to staff may be about no case (an account's set-up link)

Revision ID: f16a2c3d4e51
Revises: e16c1a0b7d21
Create Date: 2026-12-01 15:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f16a2c3d4e51'
down_revision = 'e16c1a0b7d21'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=True)


def downgrade():
    # Messages about no case cannot keep a case: they go before the column is required again.
    op.execute("DELETE FROM message WHERE case_id IS NULL")
    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.alter_column('case_id', existing_type=sa.Integer(), nullable=False)
