"""``parvis dispatcher``: the long-running process that publishes posts at their minute.

It runs :func:`parvis.publishing.dispatcher.run_worker`: claim what is due (compare-and-set
in the database, so any number of dispatchers on any number of machines never share a
target), publish on a thread pool, poll again after ``PARVIS_DISPATCH_POLL_S`` when idle.
Publishing on time needs this loop rather than the broker: a post scheduled next month has no
message waiting anywhere, and a lost broker message must not mean a lost post. The beat sweep
(``publishing.dispatch_due``, every 5 s) runs the same claim code as a safety net when no
dispatcher is up. ``parvis run`` starts one; scaled deployments start one or more.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading

log = logging.getLogger("parvis.publishing")


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "parvis.settings")
    import django

    django.setup()
    from django.conf import settings

    from parvis.core.heartbeat import heartbeat_beat
    from parvis.core.preflight import preflight_or_exit
    from parvis.publishing.config import Config
    from parvis.publishing.dispatcher import run_worker

    preflight_or_exit()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    name = f"dispatcher:{socket.gethostname()}"

    def beat() -> None:
        while not stop.is_set():
            heartbeat_beat(name=name, kind="dispatcher")
            stop.wait(settings.HEARTBEAT_INTERVAL_S)

    threading.Thread(target=beat, name="heartbeat", daemon=True).start()
    conf = settings.PUBLISHING
    log.info("dispatcher started", extra={"dispatcher": name})
    run_worker(
        worker=f"{name}:{os.getpid()}",
        concurrency=int(conf["DISPATCH_THREADS"]),
        poll=float(conf["DISPATCH_POLL_S"]),
        stop=stop,
        config=Config.from_settings(),
    )
    log.info("dispatcher stopped", extra={"dispatcher": name})
    return 0
