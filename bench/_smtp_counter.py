"""A minimal SMTP server that only counts: messages accepted and repeated recipients.

bench/nudges.py delivers to it. aiosmtpd parses every command and the message into an
Envelope on a coroutine per line; at hundreds of messages a second that alone took a core
of this two-core machine, so the sink, not the workers, set the pace. This speaks just
what smtplib (Django's SMTP backend) says — EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP,
QUIT — on one asyncio.Protocol per connection, scanning the DATA stream for the
terminating "<CRLF>.<CRLF>" without keeping the body.

    .venv/bin/python bench/_smtp_counter.py --ceiling   # its own messages/s with smtplib
"""

import asyncio

_REPLIES = {
    b"EHLO": b"250-sink\r\n250-8BITMIME\r\n250 SIZE 0\r\n",
    b"HELO": b"250 sink\r\n",
    b"MAIL": b"250 OK\r\n",
    b"RCPT": b"250 OK\r\n",
    b"RSET": b"250 OK\r\n",
    b"NOOP": b"250 OK\r\n",
    b"DATA": b"354 End data with <CR><LF>.<CR><LF>\r\n",
}
_END = b"\r\n.\r\n"


class Counts:
    """What the sink saw: messages, and recipients seen before (duplicates)."""

    def __init__(self):
        self.messages = 0
        self.duplicates = 0
        self.seen = set()


class _Session(asyncio.Protocol):
    def __init__(self, counts, on_message):
        self.counts = counts
        self.on_message = on_message
        self.buffer = b""
        self.in_data = False
        self.rcpts = []

    def connection_made(self, transport):
        self.transport = transport
        transport.write(b"220 sink ESMTP\r\n")

    def data_received(self, data):
        self.buffer += data
        while True:
            if self.in_data:
                # The body starts right after the 354 reply; "\r\n" in front lets an
                # empty body's lone ".\r\n" match the terminator too.
                end = (b"\r\n" + self.buffer).find(_END)
                if end < 0:
                    # Keep only what may hold the start of a terminator.
                    self.buffer = self.buffer[-4:] if len(self.buffer) > 4 else self.buffer
                    return
                self.buffer = self.buffer[end + 3 :]
                self.in_data = False
                self._message()
                self.transport.write(b"250 OK: queued\r\n")
                continue
            line_end = self.buffer.find(b"\r\n")
            if line_end < 0:
                return
            line, self.buffer = self.buffer[:line_end], self.buffer[line_end + 2 :]
            verb = line[:4].upper()
            if verb == b"QUIT":
                self.transport.write(b"221 Bye\r\n")
                self.transport.close()
                return
            if verb == b"RCPT":
                self.rcpts.append(line.partition(b":")[2].strip().split(b" ")[0])
            elif verb in (b"MAIL", b"RSET"):
                self.rcpts = []
            elif verb == b"DATA":
                self.in_data = True
            self.transport.write(_REPLIES.get(verb, b"502 Not implemented\r\n"))

    def _message(self):
        counts = self.counts
        counts.messages += 1
        for rcpt in self.rcpts:  # one message per person: a second is a duplicate
            if rcpt in counts.seen:
                counts.duplicates += 1
            counts.seen.add(rcpt)
        self.rcpts = []
        self.on_message()


async def serve(port, counts, on_message=lambda: None, host="127.0.0.1"):
    loop = asyncio.get_running_loop()
    return await loop.create_server(lambda: _Session(counts, on_message), host, port)


def ceiling(messages=5000, connections=8):
    """Messages/s this sink takes from smtplib clients on threads of one process."""
    import multiprocessing
    import smtplib
    import sys
    import threading
    import time
    from email.message import EmailMessage

    sys.path.insert(0, str(__import__("pathlib").Path(__file__).parent))
    from _util import free_port

    port = free_port()
    ready = multiprocessing.Event()

    def run_sink():
        async def main():
            await serve(port, Counts(), host="127.0.0.1")
            ready.set()
            await asyncio.sleep(10**6)

        asyncio.run(main())

    sink = multiprocessing.Process(target=run_sink, daemon=True)
    sink.start()
    ready.wait(10)
    body = EmailMessage()
    body["Subject"] = "x"
    body.set_content("hello\n" * 100)
    raw = body.as_bytes()

    def client(n, offset):
        with smtplib.SMTP("127.0.0.1", port) as smtp:
            for i in range(n):
                smtp.sendmail("a@b.example", [f"p{offset + i}@bench.example"], raw)

    started = time.perf_counter()
    threads = [
        threading.Thread(target=client, args=(messages // connections, c * messages))
        for c in range(connections)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    sink.terminate()
    print(f"smtp_counter.ceiling: {messages / seconds:.0f} messages/s (smtplib clients on "
          f"{connections} threads of one process; the clients' CPU included)")  # fmt: skip


if __name__ == "__main__":
    import sys

    if "--ceiling" in sys.argv:
        ceiling()
