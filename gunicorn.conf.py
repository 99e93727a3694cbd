"""gunicorn's settings for the Procfile's web process (the demo uses them too, with its own --bind).

Each value is chosen for a Heroku-style platform: a router in front ends TLS,
gives a request 30 s before it answers the visitor with an error, keeps idle
connections to us open for 90 s (Heroku's Router 2.0), and a restart sends
SIGTERM, then SIGKILL 30 s later. Render, Fly and Dokku differ a little; the
README's "Going live" says where.

The database connection budget
------------------------------
A gunicorn thread holds at most one database connection, for one request at
a time, so storefront/database.py sizes each process's pool to WEB_THREADS
and never opens more. At most this many connections are open at once:

    web dynos × WEB_CONCURRENCY × WEB_THREADS  +  2 × worker dynos  +  1 (the release phase, `heroku run`)

(a worker holds one connection for its jobs and one that listens for new ones).

With the defaults, one web and one worker dyno: 1 × 2 × 8 + 2 + 1 = 19, inside
the 20 connections of Heroku Postgres's smallest plan (Essential-0). Two web
dynos would need 35: take a plan with more connections, or fewer threads
(WEB_THREADS=4: 2 × 2 × 4 + 2 + 1 = 19). Heroku sets WEB_CONCURRENCY from the
dyno's size (more on larger dynos): count again when you change dynos.
"""

import os

from gunicorn.glogging import Logger

from storefront.logs import RedactSecrets

# Where to listen: the platform says in $PORT.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# Processes: as many as the dyno's memory allows (Heroku sets WEB_CONCURRENCY from the dyno's size).
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))

# Threads in each process (gunicorn's gthread worker). Twikit calls our payment-verification webhook
# while the worker's create-order call waits for Twikit's answer (spec step 13), and customers and
# Stripe's webhooks keep coming meanwhile: a thread waiting on Stripe must not hold up the others.
threads = int(os.environ.get("WEB_THREADS", "8"))

# A process that stops answering gunicorn's heartbeat for 25 s (a deadlock, a C call that hangs) is
# killed and replaced: under the router's 30 s. With threads this does not cut a slow request short:
# every call a request makes has its own timeout for that (the database's statement and connect
# timeouts, Stripe's and SMTP's), all well under 30 s.
timeout = 25

# On SIGTERM, finish the requests in hand for at most 20 s, then exit: before the platform's SIGKILL
# at 30 s, so no request is cut off mid-write.
graceful_timeout = 20

# Keep an idle connection from the router open for 95 s, longer than the router keeps it (90 s): the
# router, not gunicorn, closes it, so a request the router sends just then never meets a closed socket.
keepalive = 95

# The access log, on stdout: one line per request, with the request ID our response carries (the
# router's X-Request-ID, or one we made), and never a secret. The Twikit webhook token is a path
# segment, the order-status link ends in a token, and checkout's return URLs carry the Stripe session:
# RedactSecrets blanks all three, in this log and in gunicorn's error log.
accesslog = "-"
access_log_format = ('%(s)s "%(r)s" %(B)s bytes %(M)s ms request_id=%({x-request-id}o)s '
                     'fwd="%({x-forwarded-for}i)s" agent="%(a)s"')
errorlog = "-"

# gunicorn's control socket (gunicornc): nothing here uses it, and two servers on one machine (the
# demo beside the tests) would fight over its one path in $HOME.
control_socket_disable = True


class RedactingLogger(Logger):
    """gunicorn's logger, with every line (access and error) passed through RedactSecrets."""

    def setup(self, cfg):
        super().setup(cfg)
        for log in (self.access_log, self.error_log):
            if not any(isinstance(f, RedactSecrets) for f in log.filters):
                log.addFilter(RedactSecrets())


logger_class = RedactingLogger
