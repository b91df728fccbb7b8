"""Case lifecycle: an assigned worker, closing with a reason

Revision ID: e16c4a5e0a11
Revises: e13c0a1d5b03
Create Date: 2026-12-01 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e16c4a5e0a11'
down_revision = 'e13c0a1d5b03'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assigned_to_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('close_reason', sa.String(length=30), nullable=True))
        batch_op.add_column(sa.Column('close_note', sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_record_assigned_to_id'), ['assigned_to_id'], unique=False)
        batch_op.create_foreign_key(
            'fk_case_record_assigned_to_id_user_account', 'user_account', ['assigned_to_id'], ['id']
        )
    # Existing cases: their worker is whoever opened them, where that is known.
    op.execute('UPDATE case_record SET assigned_to_id = created_by_id')


def downgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_constraint('fk_case_record_assigned_to_id_user_account', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_case_record_assigned_to_id'))
        batch_op.drop_column('close_note')
        batch_op.drop_column('close_reason')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('assigned_to_id')
