"""gunicorn settings for the Procfile's web process and the demo."""

import os

bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# Threads: Twikit calls our payment-verification webhook while another request may be waiting.
threads = 8
accesslog = "-"
