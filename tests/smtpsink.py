"""A real SMTP server for tests and benchmarks (aiosmtpd), collecting what it receives."""

import asyncio
import email
import email.policy
import threading

from aiosmtpd.controller import Controller


class Collector:
    """Keeps each message; `delay` holds each DATA before accepting it.

    A client that disconnects during the delay (e.g. a worker killed mid-send) never
    gets its message accepted, as with a real server that loses the connection before
    its 250 reply.
    """

    def __init__(self, delay=0.0, keep=True):
        self.delay = delay
        self.keep = keep
        self.messages = []
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
            transport = getattr(server, "transport", None)
            if transport is None or transport.is_closing():
                return "421 connection lost"
        with self.lock:
            self.count += 1
            if self.keep:
                self.messages.append(
                    email.message_from_bytes(envelope.content, policy=email.policy.default)
                )
        return "250 OK"

    def to(self, address):
        with self.lock:
            return [m for m in self.messages if address in (m["To"] or "")]


class Sink:
    def __init__(self, port, delay=0.0, keep=True):
        self.collector = Collector(delay=delay, keep=keep)
        self.port = port
        self.controller = Controller(self.collector, hostname="127.0.0.1", port=port)

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        self.controller.stop()

    @property
    def messages(self):
        return self.collector.messages
