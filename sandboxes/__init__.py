"""Stand-ins for the shop's vendors, for the demo and the tests. Not part of the shop.

* ``sandboxes.twikit``: Twikit's plugin script, REST API, publisher and producer back-office;
* ``sandboxes.stripe``: Stripe Checkout's API, hosted payment page and signed webhooks;
* ``sandboxes.mail``: an SMTP server that keeps every e-mail, and a page to read them;
* ``sandboxes.demo``: starts the shop, its worker and these three side by side.

Each is its own Flask app on its own port. No module here imports ``storefront``,
and the shop imports nothing from here (tests/test_import_contract.py checks
both): they talk over HTTP and SMTP only, exactly as the shop talks to the
real vendors. A plain ``pip install .`` leaves this package out; the ``demo``
extra brings what it needs.
"""
