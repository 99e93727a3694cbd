"""The mail catcher: real SMTP in, a page and JSON out, and no import of the shop."""

import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage

import requests

from ..support.live import free_port


def message(subject="Your order has shipped", html="<p>Track it <a href='https://t.example/1'>here</a></p>"):
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Shop <shop@example.com>", "ada@example.com", subject
    mail.set_content("Tracking number: 1Z999")
    mail.add_alternative(html, subtype="html")
    return mail


def test_a_mail_sent_over_smtp_is_caught_and_listed(mail_catcher):
    port, web = mail_catcher
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
        smtp.login("any-user", "any-password")  # like a provider's MAIL_URL; every login is accepted
        smtp.send_message(message())
    [caught] = web.get("/api/messages").json["messages"]
    assert (caught["envelope_from"], caught["envelope_to"]) == ("shop@example.com", ["ada@example.com"])
    assert (caught["subject"], caught["from"]) == ("Your order has shipped", "Shop <shop@example.com>")
    assert caught["text"].strip() == "Tracking number: 1Z999" and "https://t.example/1" in caught["html"]
    page = web.get("/").get_data(as_text=True)
    assert "Your order has shipped" in page and f'href="/messages/{caught["id"]}"' in page


def test_the_message_page_shows_html_without_running_it(mail_catcher):
    port, web = mail_catcher
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
        smtp.send_message(message(html="<script>alert(1)</script><p>Hi</p>"))
    page = web.get("/messages/1")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "Tracking number: 1Z999" in text
    assert '<iframe sandbox title="HTML part" srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;' in text
    assert "<script>" not in text and "default-src 'none'" in page.headers["Content-Security-Policy"]
    assert b"Subject: Your order has shipped" in web.get("/messages/1/raw").data
    assert web.get("/messages/2").status_code == 404


def test_mails_are_listed_newest_first(mail_catcher):
    port, web = mail_catcher
    with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
        for subject in ("first", "second"):
            smtp.send_message(message(subject=subject))
    assert [m["subject"] for m in web.get("/api/messages").json["messages"]] == ["second", "first"]



def test_the_command_line_starts_both_sides(tmp_path):
    smtp_port, http_port = free_port(), free_port()
    process = subprocess.Popen([sys.executable, "-m", "sandboxes.mail", "--smtp-port", str(smtp_port),
                                "--http-port", str(http_port), "--database", str(tmp_path / "cli.sqlite3")],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{http_port}/healthz", timeout=1).ok:
                    break
            except requests.RequestException:
                assert time.monotonic() < deadline, "the catcher did not start"
                time.sleep(0.2)
        with smtplib.SMTP("127.0.0.1", smtp_port, timeout=5) as smtp:
            smtp.send_message(message(subject="from the CLI"))
        assert requests.get(f"http://127.0.0.1:{http_port}/api/messages", timeout=5).json()["messages"][0][
            "subject"] == "from the CLI"
    finally:
        process.terminate()
        process.wait(timeout=10)
