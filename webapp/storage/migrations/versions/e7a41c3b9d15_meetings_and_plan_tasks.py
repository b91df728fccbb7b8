"""Meetings, tasks and messages from the plan's adjustments, and the contact log

Revision ID: e7a41c3b9d15
Revises: e13f4a8b2c17
Create Date: 2026-12-01 14:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a41c3b9d15'
down_revision = 'e13f4a8b2c17'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'meeting',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('starts_at', sa.DateTime(), nullable=False),
        sa.Column('way', sa.String(length=20), nullable=False),
        sa.Column('place', sa.Text(), nullable=False),
        sa.Column('attendees', sa.Text(), nullable=False),
        sa.Column('purpose', sa.Text(), nullable=False),
        sa.Column('needs', sa.JSON(), nullable=False),
        sa.Column('invitation_format', sa.String(length=20), nullable=False),
        sa.Column('plan_id', sa.Integer(), nullable=True),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_meeting_case_id_case_record'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_meeting_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_meeting_plan_id_plan'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting')),
    )
    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_meeting_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_message_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_message_meeting_id_meeting'), 'meeting', ['meeting_id'], ['id'], ondelete='CASCADE')

    with op.batch_alter_table('worker_task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('meeting_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('adjustment_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('closed_by_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_worker_task_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_worker_task_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_worker_task_meeting_id_meeting'), 'meeting', ['meeting_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_worker_task_closed_by_id_user_account'), 'user_account', ['closed_by_id'], ['id'])

    op.create_table(
        'contact_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('kind', sa.String(length=30), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('format', sa.String(length=20), nullable=False),
        sa.Column('via_service', sa.Boolean(), nullable=False),
        sa.Column('message_id', sa.Integer(), nullable=True),
        sa.Column('meeting_id', sa.Integer(), nullable=True),
        sa.Column('followed_plan', sa.Boolean(), nullable=False),
        sa.Column('problems', sa.JSON(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_contact_log_case_id_case_record'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['meeting_id'], ['meeting.id'], name=op.f('fk_contact_log_meeting_id_meeting'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'], name=op.f('fk_contact_log_message_id_message'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_contact_log_recorded_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_log')),
    )
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_log_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_log_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('contact_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_log_case_id'))
        batch_op.drop_index(batch_op.f('ix_contact_log_at'))

    op.drop_table('contact_log')

    with op.batch_alter_table('worker_task', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_worker_task_closed_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_worker_task_meeting_id_meeting'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_worker_task_meeting_id'))
        batch_op.drop_index(batch_op.f('ix_worker_task_due_on'))
        batch_op.drop_column('closed_by_id')
        batch_op.drop_column('note')
        batch_op.drop_column('outcome')
        batch_op.drop_column('adjustment_id')
        batch_op.drop_column('meeting_id')
        batch_op.drop_column('due_on')

    with op.batch_alter_table('message', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_message_meeting_id_meeting'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_message_meeting_id'))
        batch_op.drop_column('meeting_id')

    with op.batch_alter_table('meeting', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_meeting_case_id'))

    op.drop_table('meeting')
