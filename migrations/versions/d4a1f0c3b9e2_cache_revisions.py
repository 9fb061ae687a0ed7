"""Cache revisions: one per project and one for people (workspace/cache/revisions.py)

Revision ID: d4a1f0c3b9e2
Revises: b0887232d412
Create Date: 2026-12-02 17:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4a1f0c3b9e2'
down_revision = 'b0887232d412'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cache_revision',
    sa.Column('scope', sa.String(length=60), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('scope', name=op.f('pk_cache_revision'))
    )


def downgrade():
    op.drop_table('cache_revision')
