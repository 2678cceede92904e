"""A real SMTP server for tests/notify_email.rs: aiosmtpd on a free loopback port.

It accepts one user and password (AUTH PLAIN/LOGIN, only over TLS), speaks STARTTLS
(or implicit TLS with --implicit-tls) with the certificate it is given, and writes each
message it receives into OUTDIR: N.eml (the raw bytes) and N.json (the envelope and the
headers and body decoded by Python's email package, an independent parser). It prints
"ready PORT" once listening and serves until killed.
"""

import argparse
import json
import os
import socket
import ssl
import sys
import logging
import time
from email import policy
from email.parser import BytesParser

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Saver:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content or envelope.content
        stem = os.path.join(self.outdir, str(self.count))
        with open(stem + ".eml", "wb") as f:
            f.write(raw)
        mail = BytesParser(policy=policy.default).parsebytes(raw)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "login": session.auth_data.decode() if isinstance(session.auth_data, bytes) else None,
            "subject": str(mail["subject"]),
            "from": str(mail["from"]),
            "to": str(mail["to"]),
            "content_type": mail.get_content_type(),
            "charset": mail.get_content_charset(),
            "body": mail.get_content(),
        }
        # Written under a temporary name and renamed: the test polls for N.json.
        with open(stem + ".json.tmp", "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
        os.rename(stem + ".json.tmp", stem + ".json")
        return "250 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == user.encode()
            and auth_data.password == password.encode()
        )
        # handled=False: aiosmtpd then answers the failure itself (535 5.7.8).
        return AuthResult(success=ok, handled=False, auth_data=auth_data.login if ok else None)

    return check


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    # aiosmtpd logs its own deprecation notes and the handshakes the tests make fail on
    # purpose; DUBAN_SMTP_DEBUG=1 shows them.
    if not os.environ.get("DUBAN_SMTP_DEBUG"):
        logging.getLogger("mail.log").setLevel(logging.CRITICAL)
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert", required=True)
    parser.add_argument("--key", required=True)
    parser.add_argument("--user", required=True)
    parser.add_argument("--password", required=True)
    parser.add_argument("--outdir", required=True)
    parser.add_argument("--implicit-tls", action="store_true")
    args = parser.parse_args()

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    common = dict(
        hostname="127.0.0.1",
        port=free_port(),
        authenticator=authenticator(args.user, args.password),
    )
    if args.implicit_tls:
        # The whole session is TLS; aiosmtpd's auth_require_tls only knows STARTTLS.
        controller = Controller(Saver(args.outdir), ssl_context=context, auth_require_tls=False, **common)
    else:
        controller = Controller(
            Saver(args.outdir), tls_context=context, require_starttls=True, auth_require_tls=True, **common
        )
    controller.start()
    print(f"ready {controller.port}", flush=True)
    try:
        while True:
            time.sleep(3600)
    finally:
        controller.stop()


if __name__ == "__main__":
    sys.exit(main())
