"""The catalog: products, their Twikit product keys, and the shop's own prices."""
