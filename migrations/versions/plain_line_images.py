"""order lines keep the product's image: a plain product's line shows it on the status page and in e-mails

Orders placed before get their product's image as the catalog has it now
(by product key), for lines without a Twikit preview; a product removed since
leaves the line without an image, as before.

Revision ID: plain_line_images
Revises: issue10_drills
Create Date: 2026-12-03 03:05:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'plain_line_images'
down_revision = 'issue10_drills'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('image_url', sa.String(length=500), nullable=True))
    op.execute("UPDATE order_line SET image_url = (SELECT product.image_url FROM product "
               "WHERE product.key = order_line.product_key) WHERE preview_url IS NULL")


def downgrade():
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_column('image_url')
