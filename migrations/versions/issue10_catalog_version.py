"""issue 10 performance: the catalog version, the key of each web process's catalog read cache

Revision ID: issue10_catalog_version
Revises: issue12_commerce
Create Date: 2026-12-02 22:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'issue10_catalog_version'
down_revision = 'issue12_commerce'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalog_version',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_catalog_version_one_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_version'))
    )
    # No row yet: the first catalog change creates it (an upsert), and a missing row reads as version 0.


def downgrade():
    op.drop_table('catalog_version')
