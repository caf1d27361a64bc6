"""Web: failed sign-ins for the login rate limit, used one-time form tokens.

Revision ID: 0005
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'login_attempts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('ip', sa.String(length=64), nullable=False),
        sa.Column('attempted_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_login_attempts')),
    )
    op.create_index('ix_login_attempts_key', 'login_attempts', ['email', 'ip', 'attempted_at'])
    op.create_table(
        'used_form_tokens',
        sa.Column('token', sa.String(length=64), nullable=False),
        sa.Column('purpose', sa.String(length=40), nullable=False),
        sa.Column('used_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('token', name=op.f('pk_used_form_tokens')),
    )


def downgrade():
    op.drop_table('used_form_tokens')
    op.drop_index('ix_login_attempts_key', table_name='login_attempts')
    op.drop_table('login_attempts')
