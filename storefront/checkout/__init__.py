"""Checkout: the address form, placing the order, and handing over to Stripe Checkout."""
