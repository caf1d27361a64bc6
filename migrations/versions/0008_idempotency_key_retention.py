"""Idempotency-Key replies are kept for a set number of days: index their creation time for
the hourly purge.

Revision ID: 0008
Revises: 0007
"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_api_idempotency_keys_created_at', 'api_idempotency_keys', ['created_at']
    )


def downgrade():
    op.drop_index('ix_api_idempotency_keys_created_at', table_name='api_idempotency_keys')
