"""minutes: the minutes_meeting table

Revision ID: a1b2c3d4e5f6
Revises:
Create Date: 2026-11-23

A branch of its own (``minutes``) that depends on the core's tables being there; apply with
``flask --app workspace db upgrade minutes@head`` once the version folder is known to Alembic
(see docs/plugins.md, "A migration").
"""

import sqlalchemy as sa
from alembic import op

revision = "a1b2c3d4e5f6"
down_revision = None
branch_labels = ("minutes",)
depends_on = None


def upgrade():
    op.create_table(
        "minutes_meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name="fk_minutes_meeting_project_id_project",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name="fk_minutes_meeting_author_id_user_account"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_minutes_meeting"),
    )
    op.create_index("ix_minutes_meeting_project_id", "minutes_meeting", ["project_id"])
    op.create_index("ix_minutes_meeting_author_id", "minutes_meeting", ["author_id"])


def downgrade():
    op.drop_index("ix_minutes_meeting_author_id", table_name="minutes_meeting")
    op.drop_index("ix_minutes_meeting_project_id", table_name="minutes_meeting")
    op.drop_table("minutes_meeting")
