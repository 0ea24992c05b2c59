"""`manage.py inbound_smtp`: the SMTP server of replies by e-mail (discussions.inbound), on
INBOUND_SMTP_HOST:INBOUND_SMTP_PORT until SIGTERM or Ctrl-C. Refuses to start while
INBOUND_EMAIL_ENABLED is off or REPLY_EMAIL_DOMAIN is empty."""

from __future__ import annotations

import signal
import threading
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from discussions.inbound import reply_server
from discussions.reply_address import reply_addresses_enabled


class Command(BaseCommand):
    help = "Receive replies to discussion e-mails over SMTP and post them in their threads."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=settings.INBOUND_SMTP_HOST)
        parser.add_argument("--port", type=int, default=settings.INBOUND_SMTP_PORT)

    def handle(self, *args: Any, host: str, port: int, **options: Any) -> None:
        if not reply_addresses_enabled():
            raise CommandError(
                "Replies by e-mail are off: set INBOUND_EMAIL_ENABLED=true and REPLY_EMAIL_DOMAIN."
            )
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        server = reply_server(host=host, port=port)
        server.start()
        self.stdout.write(
            f"Taking replies for @{settings.REPLY_EMAIL_DOMAIN} on {host}:{port} "
            f"(messages up to {settings.INBOUND_SMTP_MAX_BYTES} bytes)"
        )
        try:
            stop.wait()
        finally:
            server.stop()
            self.stdout.write("Stopped")
