"""Board templates: site_wide, set by a site administrator (others stay with their project)

Revision ID: e5b2c7a91f04
Revises: d4a1f0c3b9e2
Create Date: 2026-12-06 03:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e5b2c7a91f04'
down_revision = 'd4a1f0c3b9e2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('board_template', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('site_wide', sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table('board_template', schema=None) as batch_op:
        batch_op.drop_column('site_wide')
