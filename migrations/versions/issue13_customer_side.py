"""issue 13: catalog texts in other languages; the payment-pending fact that reserves a cart

Revision ID: issue13_customer_side
Revises: 018054e568c4
Create Date: 2026-12-02 18:03:00.433830

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'issue13_customer_side'
down_revision = '018054e568c4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_pending_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=True))

    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('translations', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('translations')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('payment_pending_at')
