"""issue 10 drills: a plugin script URL enters the history once

Copies of one website-publication delivered at the same moment each added a
version (16 at once left up to 11 rows for one URL); a partial unique index
now lets only the first in, and the publication decides again on what is
stored. Rollback rows point at an old URL again, so they are left out of it.

Rows the race left behind are tidied first: a copy right after the first row
of its URL (no other URL in between) is dropped, as it changed nothing; a
later one, after another URL was current, did make its URL current again, which
is what a rollback row records, so it is kept as one.

Revision ID: issue10_drills
Revises: issue10_catalog_version
Create Date: 2026-12-02 23:10:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'issue10_drills'
down_revision = 'issue10_catalog_version'
branch_labels = None
depends_on = None

# An earlier row of the same URL that is not a rollback: this row is a copy.
_EARLIER = ("SELECT 1 FROM script_version first WHERE first.url = script_version.url "
            "AND first.source <> 'rollback' AND first.id < script_version.id")


def upgrade():
    op.execute(f"""DELETE FROM script_version WHERE source <> 'rollback' AND EXISTS ({_EARLIER}
        AND NOT EXISTS (SELECT 1 FROM script_version other WHERE other.id > first.id
                        AND other.id < script_version.id AND other.url <> script_version.url))""")
    op.execute(f"UPDATE script_version SET source = 'rollback' WHERE source <> 'rollback' AND EXISTS ({_EARLIER})")
    with op.batch_alter_table('script_version', schema=None) as batch_op:
        batch_op.create_index('uq_script_version_url_first_seen', ['url'], unique=True,
                              sqlite_where=sa.text("source <> 'rollback'"),
                              postgresql_where=sa.text("source <> 'rollback'"))


def downgrade():
    with op.batch_alter_table('script_version', schema=None) as batch_op:
        batch_op.drop_index('uq_script_version_url_first_seen', sqlite_where=sa.text("source <> 'rollback'"),
                            postgresql_where=sa.text("source <> 'rollback'"))
