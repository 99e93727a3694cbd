"""Migrations build a fresh database, match the models exactly, and can be undone."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from storefront import create_app
from storefront.extensions import db
from storefront.models import Product

from ..support.factories import GIFT_BOX, add_order
from ..support.shop import BACKENDS, shop_config


@pytest.fixture(params=BACKENDS)
def empty_database_url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'migrated.sqlite3'}"
    return request.getfixturevalue("make_postgres_database")()


def test_upgrade_builds_the_models_exactly(empty_database_url, tmp_path):
    app = create_app(shop_config(tmp_path, empty_database_url))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        assert differences == [], f"models and migrations differ; run `flask db migrate`: {differences}"
        db.engine.dispose()


def test_downgrade_to_base_and_up_again(empty_database_url, tmp_path):
    app = create_app(shop_config(tmp_path, empty_database_url))
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade()
        assert "product" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_lines_ordered_before_get_their_plain_products_image(empty_database_url, tmp_path):
    """plain_line_images: an order placed before it shows its gift box's image afterwards, not a blank."""
    app = create_app(shop_config(tmp_path, empty_database_url))
    with app.app_context():
        upgrade()
        db.session.add(Product(key="gift-box", slug="gift-box", name="Gift Box", description="",
                               image_url="/static/img/products/gift-box.svg", published=True))
        add_order(lines=[1001, {**GIFT_BOX, "image_url": None}])
        db.session.remove()
        downgrade(revision="issue10_drills")
        upgrade()
        lines = db.session.execute(text("SELECT configuration_id, image_url FROM order_line ORDER BY id")).all()
        assert [tuple(line) for line in lines] == [(1001, None), (None, "/static/img/products/gift-box.svg")]
        db.session.remove()
        db.engine.dispose()
