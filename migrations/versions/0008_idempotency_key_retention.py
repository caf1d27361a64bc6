"""Idempotency-Key replies expire: their creation time is indexed for the hourly purge.

The API keeps a stored reply for FIELDPOST_IDEMPOTENCY_KEY_DAYS (7 by default); the jobs
process deletes older ones every hour.

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
