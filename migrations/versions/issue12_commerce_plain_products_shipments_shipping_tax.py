"""issue 12 commerce: plain products, mixed carts, shipments, shipping, tax and discounts, merchant delivery

Revision ID: issue12_commerce
Revises: issue11_back_office
Create Date: 2026-12-02 18:05:35.537257

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'issue12_commerce'
down_revision = 'issue11_back_office'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('shipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('shipped_by', sa.String(length=20), nullable=False),
    sa.Column('tracking_id', sa.String(length=200), nullable=True),
    sa.Column('tracking_url', sa.String(length=2048), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_shipment_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_shipment'))
    )
    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_shipment_order_id'), ['order_id'], unique=False)

    # Plain products: a cart line without a Twikit configuration, once per variant and cart.
    with op.batch_alter_table('cart_line', schema=None) as batch_op:
        batch_op.alter_column('configuration_id',
               existing_type=sa.BIGINT(),
               nullable=True)
        batch_op.alter_column('preview_url',
               existing_type=sa.VARCHAR(length=2048),
               nullable=True)
        batch_op.create_index('uq_cart_line_cart_id_plain_variant', ['cart_id', 'variant_id'], unique=True, sqlite_where=sa.text('configuration_id IS NULL'), postgresql_where=sa.text('configuration_id IS NULL'))

    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipment_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_order_line_shipment_id'), ['shipment_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_order_line_shipment_id_shipment'), 'shipment', ['shipment_id'], ['id'], ondelete='SET NULL')

    # One cart, one payment: before the index, an older order still awaiting payment for the same
    # cart lets go of the cart (it can still be paid; its cart simply is not emptied by it).
    op.execute("""
        UPDATE orders SET cart_id = NULL
        WHERE status = 'awaiting_payment' AND cart_id IS NOT NULL
          AND id NOT IN (SELECT max(id) FROM orders WHERE status = 'awaiting_payment' AND cart_id IS NOT NULL
                         GROUP BY cart_id)
    """)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('shipping_cents', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('discount_cents', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('tax_cents', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('tax_included', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.add_column(sa.Column('shipping_rate', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('shipping_rate_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('twikit_delivery', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('twikit_completed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('uq_orders_cart_id_awaiting_payment', ['cart_id'], unique=True, sqlite_where=sa.text("status = 'awaiting_payment'"), postgresql_where=sa.text("status = 'awaiting_payment'"))

    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.add_column(sa.Column('customizable', sa.Boolean(), server_default=sa.true(), nullable=False))

    # Orders from before plain products are all customised, and Twikit delivered them to the customer
    # (TWIKIT_ADDRESSES=merchant only changed the addresses; completion always meant "shipped").
    op.execute("""
        UPDATE orders SET twikit_delivery = 'customer'
        WHERE id IN (SELECT order_id FROM order_line WHERE configuration_id IS NOT NULL)
    """)
    # Orders that shipped before shipments existed: Twikit shipped them whole, with the order's tracking.
    op.execute("UPDATE orders SET twikit_completed_at = shipped_at WHERE shipped_at IS NOT NULL")
    op.execute("""
        INSERT INTO shipment (order_id, shipped_by, tracking_id, tracking_url, created_at)
        SELECT id, 'twikit', tracking_id, tracking_url, shipped_at FROM orders WHERE shipped_at IS NOT NULL
    """)
    op.execute("""
        UPDATE order_line SET shipment_id = (SELECT shipment.id FROM shipment WHERE shipment.order_id = order_line.order_id)
        WHERE order_id IN (SELECT id FROM orders WHERE shipped_at IS NOT NULL)
    """)


def downgrade():
    with op.batch_alter_table('product', schema=None) as batch_op:
        batch_op.drop_column('customizable')

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index('uq_orders_cart_id_awaiting_payment', sqlite_where=sa.text("status = 'awaiting_payment'"), postgresql_where=sa.text("status = 'awaiting_payment'"))
        batch_op.drop_column('twikit_completed_at')
        batch_op.drop_column('twikit_delivery')
        batch_op.drop_column('shipping_rate_name')
        batch_op.drop_column('shipping_rate')
        batch_op.drop_column('tax_included')
        batch_op.drop_column('tax_cents')
        batch_op.drop_column('discount_cents')
        batch_op.drop_column('shipping_cents')

    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_order_line_shipment_id_shipment'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_order_line_shipment_id'))
        batch_op.drop_column('shipment_id')

    # Plain products cannot live in the old cart: their lines go.
    op.execute("DELETE FROM cart_line WHERE configuration_id IS NULL")
    with op.batch_alter_table('cart_line', schema=None) as batch_op:
        batch_op.drop_index('uq_cart_line_cart_id_plain_variant', sqlite_where=sa.text('configuration_id IS NULL'), postgresql_where=sa.text('configuration_id IS NULL'))
        batch_op.alter_column('preview_url',
               existing_type=sa.VARCHAR(length=2048),
               nullable=False)
        batch_op.alter_column('configuration_id',
               existing_type=sa.BIGINT(),
               nullable=False)

    with op.batch_alter_table('shipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_shipment_order_id'))

    op.drop_table('shipment')
