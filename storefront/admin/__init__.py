"""The merchant's back-office: orders and their event logs, webhook deliveries, retries."""
