"""Payments: Stripe Checkout and knowing for certain that an order is paid (spec steps 10-11)."""
