"""Orders and their rules: the state machine, and every decision about an order after checkout.

``states`` (the one place that changes a status), ``lookup``, ``links`` (the
customer's signed status link), ``submission`` (what Twikit's answers mean),
``verification`` (Twikit's payment check), ``reports`` (production and shipping
reports), ``shipments`` (who ships what, and every parcel), ``progress`` (the
status page's words, steps and parcels), ``emails`` (the customer's e-mails),
``addresses`` (who Twikit bills and delivers to), the back-office's ``listing``,
``detail``, ``resolution``, ``cancellation``, ``corrections`` and
``production_files``, and ``routes`` (the customer's status page).
"""
