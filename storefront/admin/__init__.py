"""The merchant's back-office: orders and their actions, the catalog, the plugin script and the settings.

``routes.py`` holds the blueprint and its login rule; each other module adds
the pages for one job (``auth``, ``orders``, ``order_actions``, ``shipments``,
``catalog``, ``scripts``, ``settings``, ``webhooks``). Views parse the request, call one
domain function and render; the rules live in storefront.orders,
storefront.catalog and storefront.twikit.
"""
