"""``flask --app storefront urls``: the exact URLs a merchant pastes into Stripe's dashboard and Twikit's publisher."""

import pytest

from storefront.payments.fulfilment import EVENT_HANDLERS


@pytest.fixture
def shop_overrides():
    return {"SHOP_URL": "https://shop.example.com", "TWIKIT_WEBHOOK_TOKEN": "current-token,previous-token"}


def test_urls_prints_the_stripe_endpoint_and_the_four_twikit_webhooks_with_the_current_token(runner):
    result = runner.invoke(args=["urls"])
    assert result.exit_code == 0, result.output
    lines = [line.strip() for line in result.output.splitlines()]
    assert "Endpoint URL:  https://shop.example.com/webhooks/stripe" in lines
    assert f"Events:        {', '.join(EVENT_HANDLERS)}" in lines
    base = "https://shop.example.com/webhooks/twikit/current-token"
    for name, route in (("Payment verification", "payment-verification"),
                        ("Production completion", "production-completion"),
                        ("Order completion", "order-completion"), ("Website publication", "website-publication")):
        assert f"{name}:" in result.output and f"{base}/{route}" in result.output
    assert "previous-token" not in result.output


def test_every_printed_twikit_url_reaches_its_webhook(app, client, runner):
    output = runner.invoke(args=["urls"]).output
    paths = [word.removeprefix("https://shop.example.com") for word in output.split()
             if word.startswith("https://shop.example.com/webhooks/twikit/")]
    assert len(paths) == 4
    for path in paths:
        response = client.post(path, json={})  # a malformed body: the route and the token were right
        assert response.status_code == 400, path


def test_urls_needs_shop_url(app, runner):
    app.config["SHOP_URL"] = None
    result = runner.invoke(args=["urls"])
    assert result.exit_code != 0 and "set SHOP_URL" in result.output
