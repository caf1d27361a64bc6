"""Signatures remember the tablet's id for them, so one kept on a tablet while offline and
sent again once the connection is back is stored once.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('service_orders') as batch:
        batch.add_column(sa.Column('signature_client_id', sa.String(length=36), nullable=True))


def downgrade():
    with op.batch_alter_table('service_orders') as batch:
        batch.drop_column('signature_client_id')
