"""Twikit fidelity: a catalog's default variant, and the design summary on cart and order lines

Revision ID: issue14_twikit_fidelity
Revises: issue13_customer_side
Create Date: 2026-12-02 18:00:58.923761

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'issue14_twikit_fidelity'
down_revision = "issue13_customer_side"
branch_labels = None
depends_on = None


def upgrade():
    # The variant the Twikit plugin starts in ("default": true in the catalog file); none marked means the first.
    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_default', sa.Boolean(), server_default=sa.false(), nullable=False))

    # Display-only text of the customer's choices ("Letter M · Gold-plated"), copied from cart to order.
    with op.batch_alter_table('cart_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('design_summary', sa.String(length=200), nullable=True))

    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('design_summary', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_column('design_summary')

    with op.batch_alter_table('cart_line', schema=None) as batch_op:
        batch_op.drop_column('design_summary')

    with op.batch_alter_table('variant', schema=None) as batch_op:
        batch_op.drop_column('is_default')
