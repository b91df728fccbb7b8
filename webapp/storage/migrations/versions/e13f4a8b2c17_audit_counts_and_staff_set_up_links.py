"""Audit rows count how many times they happened (anonymous denials, per client and minute);
invited staff accounts keep a one-time set-up link

Revision ID: e13f4a8b2c17
Revises: e16c4a5e0a11
Create Date: 2026-12-01 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e13f4a8b2c17'
down_revision = 'e16c4a5e0a11'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('times', sa.Integer(), server_default='1', nullable=False))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('set_up_token_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('set_up_expires_at', sa.DateTime(), nullable=True))
        batch_op.create_unique_constraint(
            batch_op.f('uq_user_account_set_up_token_hash'), ['set_up_token_hash']
        )


def downgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_user_account_set_up_token_hash'), type_='unique')
        batch_op.drop_column('set_up_expires_at')
        batch_op.drop_column('set_up_token_hash')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_column('times')
