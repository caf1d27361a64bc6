"""Field pages: the technician's "work finished" mark awaiting the office's review.

Revision ID: 0006
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'order_work_finished',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('order_id', sa.Integer(), nullable=False),
        sa.Column('finished_by_id', sa.Integer(), nullable=False),
        sa.Column('finished_at', sa.DateTime(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ['order_id'], ['service_orders.id'], ondelete='CASCADE',
            name=op.f('fk_order_work_finished_order_id_service_orders'),
        ),
        sa.ForeignKeyConstraint(
            ['finished_by_id'], ['users.id'],
            name=op.f('fk_order_work_finished_finished_by_id_users'),
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_order_work_finished')),
        sa.UniqueConstraint('order_id', name=op.f('uq_order_work_finished_order_id')),
    )


def downgrade():
    op.drop_table('order_work_finished')
