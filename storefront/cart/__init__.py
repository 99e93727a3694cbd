"""The cart: one line per Twikit configuration, priced by the shop."""
