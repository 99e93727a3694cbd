"""Issue 11, the back-office: server-side admin sessions, and refund facts on orders

Revision ID: issue11_back_office
Revises: issue14_twikit_fidelity
Create Date: 2026-12-02 17:56:38.425377

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'issue11_back_office'
down_revision = 'issue14_twikit_fidelity'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('admin_session',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('ended_reason', sa.String(length=40), nullable=True),
    sa.Column('remote_addr', sa.String(length=64), nullable=True),
    sa.Column('user_agent', sa.String(length=300), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_admin_session')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_admin_session_token_hash'))
    )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('stripe_refund_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('refunded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('refunded_cents', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('refunded_cents')
        batch_op.drop_column('refunded_at')
        batch_op.drop_column('stripe_refund_id')

    op.drop_table('admin_session')
