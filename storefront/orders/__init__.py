"""Orders: the state machine, placing an order from a cart, and the customer's status page."""
