"""The site configuration page: ``GET/POST /settings`` (what the real publisher's configuration shows).

Every field is checked (``settings.clean``) before any is stored, and all
errors are shown at once, next to their fields. A good form is stored
through ``settings.put_many`` in one transaction, then the page redirects
(303) to itself. No CSRF token: the sandbox is a local test double.

A value given on the command line (or in the start-up config) is stored
again at the next start, replacing what was saved here.
"""

from flask import Blueprint, redirect, render_template, request, url_for

from . import settings

bp = Blueprint("settings_page", __name__)

# (name, label, input type, help) in the order the page shows them.
FIELDS = [
    ("INTEGRATION_ID", "Integration ID", "text", "The last part of the Rest API URLs."),
    ("PAYLOAD_SECRET", "Payload secret", "secret", "Signs every Rest API call: md5(payload + secret)."),
    ("PAYMENT_VERIFICATION_URL", "Payment verification webhook", "url",
     "Called before an order is created. Empty: orders are not verified."),
    ("PRODUCTION_COMPLETION_URL", "Production completion webhook", "url",
     "Called when the producer marks production complete. Empty: not sent."),
    ("ORDER_COMPLETION_URL", "Order completion webhook", "url",
     "Called when the producer marks an order ready / shipped. Empty: not sent."),
    ("WEBSITE_PUBLICATION_URL", "Website publication webhook", "url",
     "Called when a new plugin version is published. Empty: not sent."),
    ("WEBHOOK_RETRY_DELAY_SECONDS", "Webhook retry delay (seconds)", "number",
     "A faulty completion webhook is retried once after this long (the spec: 300)."),
    ("VERIFICATION_TIMEOUT_SECONDS", "Verification timeout (seconds)", "number",
     "How long Create Order waits for the payment-verification webhook."),
]
NUMBER_FIELDS = {name for name, _label, kind, _help in FIELDS if kind == "number"}


@bp.route("/settings", methods=["GET", "POST"])
def page():
    if request.method == "GET":
        return render_template("settings.html", fields=FIELDS, values=settings.get_all(), errors={},
                               saved=request.args.get("saved") == "1")
    # Only the fields the form sent: a partial post changes only those.
    submitted = {name: request.form[name] for name, *_rest in FIELDS if name in request.form}
    cleaned, errors = {}, {}
    for name, text in submitted.items():
        try:
            cleaned[name] = settings.clean(name, _typed(name, text))
        except settings.InvalidSetting as invalid:
            errors[name] = str(invalid)
    if errors or not submitted:
        values = settings.get_all() | submitted  # show what was typed, so it can be corrected
        return render_template("settings.html", fields=FIELDS, values=values, saved=False,
                               errors=errors or {"": "The form sent no settings."}), 400
    settings.put_many(cleaned)
    return redirect(url_for(".page", saved=1), 303)


def _typed(name: str, text: str) -> object:
    """The form's text as the setting's type; text that is no number is left for ``clean`` to refuse."""
    if name == "PAYLOAD_SECRET":
        return text  # used byte for byte in the hash: even spaces count
    text = text.strip()
    if name in NUMBER_FIELDS:
        try:
            return float(text)
        except ValueError:
            return text
    return text
