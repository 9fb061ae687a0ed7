"""Revoked sessions: a signed-out session's id, so that a copy of its cookie no longer signs in

Revision ID: f1c3d5e7a902
Revises: e5b2c7a91f04
Create Date: 2026-12-06 03:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1c3d5e7a902'
down_revision = 'e5b2c7a91f04'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('revoked_session',
    sa.Column('sid', sa.String(length=43), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sid', name=op.f('pk_revoked_session'))
    )
    with op.batch_alter_table('revoked_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_revoked_session_revoked_at'), ['revoked_at'], unique=False)


def downgrade():
    with op.batch_alter_table('revoked_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_revoked_session_revoked_at'))
    op.drop_table('revoked_session')
