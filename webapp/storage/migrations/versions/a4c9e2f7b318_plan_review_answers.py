"""Plan review: the parent's answer to whether each adjustment helped

Revision ID: a4c9e2f7b318
Revises: e16d2c7a9f04
Create Date: 2026-12-01 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a4c9e2f7b318'
down_revision = 'e16d2c7a9f04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'plan_review_answer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=False),
        sa.Column('adjustment_id', sa.String(length=64), nullable=False),
        sa.Column('answer', sa.String(length=20), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('method', sa.String(length=20), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('recorded_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_plan_review_answer_case_id_case_record'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_plan_review_answer_plan_id_plan'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_plan_review_answer_recorded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_review_answer')),
        sa.UniqueConstraint('plan_id', 'adjustment_id', name='uq_plan_review_answer'),
    )
    with op.batch_alter_table('plan_review_answer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_review_answer_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_review_answer_plan_id'), ['plan_id'], unique=False)


def downgrade():
    with op.batch_alter_table('plan_review_answer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_review_answer_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_review_answer_case_id'))
    op.drop_table('plan_review_answer')
