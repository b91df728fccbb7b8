"""Parent sessions are keyed by random ids

Revision ID: d13b7e2f9c02
Revises: c13a0d1e5a01
Create Date: 2026-12-01 12:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd13b7e2f9c02'
down_revision = 'c13a0d1e5a01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_invitation_session_key'), ['session_key'])


def downgrade():
    with op.batch_alter_table('invitation', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_invitation_session_key'), type_='unique')
        batch_op.drop_column('session_key')
