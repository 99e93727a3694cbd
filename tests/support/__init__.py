"""Helpers for the whole suite; each module has one job.

- ``shop``: a shop under test: the repository root, the databases to run on, its settings.
- ``live``: real HTTP servers on loopback ports (``LiveServer``, ``free_port``).
- ``factories``: orders, carts and catalog rows in the state a test needs.
- ``forms``: the shop's forms through the test client: CSRF token, admin login, checkout address.
- ``queries``: reading an order, its events, jobs, webhook deliveries and submission attempts back; waiting.
- ``twikit_webhooks``: Twikit's webhook calls to the shop, as request bodies.
- ``twikit_sandbox``: talking to the live Twikit sandbox over HTTP.
- ``stripe_events``: Stripe events signed as Stripe signs them, and paying on the Stripe sandbox.
- ``browser``: Playwright fixtures (a pytest plugin, loaded by the top-level conftest).
- ``pages``: a customer's steps in Chromium: open a product, add it to the cart, check out, pay.
- ``procfile``: the Procfile's processes, started and stopped as a platform does.
- ``stack``: the whole shop for the drills: the Procfile's gunicorn and worker, with both sandboxes.
- ``postgres_cluster``: a PostgreSQL server of a test's own, to stop and start for real.
"""
