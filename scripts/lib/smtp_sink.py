"""A throwaway SMTP server for the tests (Debian's python3-aiosmtpd), on loopback only.

Every message it accepts is written to DIR as <sequence>.eml with a <sequence>.json beside it
(envelope sender, recipients, what the server did). The recipient's local part chooses a
failure, so tests can provoke each kind:
  smtp-reject+…     550: refused for good
  smtp-defer+…      451: deferred, every time
  smtp-defer-once+… 451 the first time a Message-ID is seen, then accepted
  smtp-drop+…       the message is received whole, then the connection is cut without an answer
Written by scripts/lib/smtp_server.ts; run as: python3 smtp_sink.py HOST PORT DIR
"""
import asyncio
import itertools
import json
import os
import re
import signal
import sys
import time

from aiosmtpd.controller import Controller

HOST, PORT, DIR = sys.argv[1], int(sys.argv[2]), sys.argv[3]
counter = itertools.count(1)
deferred_once = set()


def mode_of(rcpts):
    for rcpt in rcpts:
        m = re.match(r"^smtp-(reject|defer-once|defer|drop)\+", rcpt.lower())
        if m:
            return m.group(1)
    return "accept"


def message_id(data):
    m = re.search(rb"^Message-ID:\s*(<[^>]+>)", data, re.I | re.M)
    return m.group(1).decode("ascii", "replace") if m else None


def store(envelope, outcome):
    n = next(counter)
    name = f"{time.time_ns()}-{n:06d}"
    with open(os.path.join(DIR, name + ".eml.tmp"), "wb") as f:
        f.write(envelope.original_content or envelope.content)
    with open(os.path.join(DIR, name + ".json"), "w") as f:
        json.dump({"mail_from": envelope.mail_from, "rcpt_tos": envelope.rcpt_tos,
                   "outcome": outcome, "message_id": message_id(envelope.original_content or b"")}, f)
    # Renamed last, so a reader never sees half a message.
    os.rename(os.path.join(DIR, name + ".eml.tmp"), os.path.join(DIR, name + ".eml"))


class Sink:
    async def handle_DATA(self, server, session, envelope):
        mode = mode_of(envelope.rcpt_tos)
        if mode == "reject":
            return "550 5.7.1 Message refused by the test server"
        if mode == "defer":
            return "451 4.3.0 Try again later"
        if mode == "defer-once":
            key = message_id(envelope.original_content or b"")
            if key not in deferred_once:
                deferred_once.add(key)
                return "451 4.3.0 Try again later"
        if mode == "drop":
            store(envelope, "dropped")
            server.transport.abort()
            return "250 OK (never seen by the client)"
        store(envelope, "accepted")
        return "250 2.0.0 OK queued"


def main():
    os.makedirs(DIR, exist_ok=True)
    controller = Controller(Sink(), hostname=HOST, port=PORT, decode_data=False,
                            data_size_limit=40 * 1024 * 1024)
    controller.start()
    signal.signal(signal.SIGTERM, lambda *_: (controller.stop(), sys.exit(0)))
    signal.signal(signal.SIGINT, lambda *_: (controller.stop(), sys.exit(0)))
    while True:
        time.sleep(3600)


if __name__ == "__main__":
    main()
