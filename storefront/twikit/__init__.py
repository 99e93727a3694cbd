"""Twikit's wire format, and nothing else: what the spec defines, and how the shop speaks it.

``payload`` (IOrderPayload and its md5), ``client`` (the REST API),
``result_codes``, ``shapes`` (the four webhooks' bodies), ``webhooks`` (their
routes), ``publication`` and ``script`` (the versioned plugin script). What an
answer or a report means for an order is decided in ``storefront.orders``.
"""
