"""One pathway per area in a decision; referral summary fields on the case; plans that
remember removals and mark conflicts

Revision ID: e16c1a0b7d21
Revises: e7a41c3b9d15
Create Date: 2026-12-01 14:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e16c1a0b7d21'
down_revision = 'e7a41c3b9d15'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'review_pathway',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('review_id', sa.Integer(), nullable=False),
        sa.Column('domain', sa.String(length=40), nullable=True),
        sa.Column('pathway', sa.String(length=64), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('outcome_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['outcome_id'], ['outcome.id'], name=op.f('fk_review_pathway_outcome_id_outcome'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['review_id'], ['review.id'], name=op.f('fk_review_pathway_review_id_review'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_review_pathway')),
    )
    with op.batch_alter_table('review_pathway', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_pathway_review_id'), ['review_id'], unique=False)
    _move_decisions_to_pathways()
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.drop_column('pathway')
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('date_of_birth', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('gp_practice', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('nhs_number', sa.String(length=10), nullable=True))
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.add_column(sa.Column('removed_in_version', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('previously_removed_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('conflict', sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column('conflict_kept', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # Adjustments removed before versions remembered removals: removed in their own version.
    op.execute(
        "UPDATE plan_item SET removed_in_version = (SELECT plan.version FROM plan"
        " WHERE plan.id = plan_item.plan_id) WHERE removed"
    )


def _move_decisions_to_pathways():
    """Each earlier decision's one pathway becomes a pathway row. Its area is the one whose
    result suggested that pathway for the case (null when none did); an outcome recorded in
    that area after the decision answers it."""
    bind = op.get_bind()
    reviews = bind.execute(
        sa.text(
            "SELECT id, case_id, pathway, created_at FROM review WHERE pathway IS NOT NULL"
        )
    ).all()
    for review_id, case_id, pathway, created_at in reviews:
        domain = bind.execute(
            sa.text(
                "SELECT result.domain FROM result JOIN response ON response.id = result.response_id"
                " WHERE response.case_id = :case_id AND result.pathway = :pathway"
                " ORDER BY result.id DESC LIMIT 1"
            ),
            {"case_id": case_id, "pathway": pathway},
        ).scalar()
        outcome = None
        if domain is not None:
            outcome = bind.execute(
                sa.text(
                    "SELECT id, finding FROM outcome WHERE case_id = :case_id"
                    " AND domain = :domain AND recorded_at >= :since"
                    " ORDER BY recorded_at DESC, id DESC LIMIT 1"
                ),
                {"case_id": case_id, "domain": domain, "since": created_at},
            ).first()
        status = 'outcome_recorded' if outcome and outcome[1] != 'awaiting' else 'referred'
        bind.execute(
            sa.text(
                "INSERT INTO review_pathway (review_id, domain, pathway, status, outcome_id)"
                " VALUES (:review_id, :domain, :pathway, :status, :outcome_id)"
            ),
            {
                "review_id": review_id,
                "domain": domain,
                "pathway": pathway,
                "status": status,
                "outcome_id": outcome[0] if outcome else None,
            },
        )


def downgrade():
    with op.batch_alter_table('plan_item', schema=None) as batch_op:
        batch_op.drop_column('conflict_kept')
        batch_op.drop_column('conflict')
        batch_op.drop_column('previously_removed_reason')
        batch_op.drop_column('removed_in_version')
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_column('nhs_number')
        batch_op.drop_column('gp_practice')
        batch_op.drop_column('date_of_birth')
    with op.batch_alter_table('review', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pathway', sa.String(length=64), nullable=True))
    # A decision keeps its first pathway: the one column had room for only one.
    op.execute(
        "UPDATE review SET pathway = (SELECT rp.pathway FROM review_pathway rp"
        " WHERE rp.review_id = review.id ORDER BY rp.id LIMIT 1)"
    )
    with op.batch_alter_table('review_pathway', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_pathway_review_id'))
    op.drop_table('review_pathway')
