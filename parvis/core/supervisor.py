"""Run several processes as one: the embedded mode's web server, worker and scheduler.

Ctrl-C (SIGINT) or SIGTERM stops them all: each gets SIGTERM, then SIGKILL after a grace
period. A process that dies on its own is restarted with a growing pause, so a crash of the
worker never takes the web server down with it; the pause is reported on the console.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from types import FrameType


@dataclass
class Program:
    name: str
    argv: list[str]
    process: subprocess.Popen[bytes] | None = None
    restarts: int = 0
    next_start: float = 0.0
    started_at: float = field(default=0.0)


class Supervisor:
    def __init__(self, programs: list[Program], *, grace_s: float = 10.0) -> None:
        self.programs = programs
        self.grace_s = grace_s
        self.stopping = False

    def _say(self, message: str) -> None:
        print(f"parvis run: {message}", file=sys.stderr, flush=True)

    def _start(self, program: Program) -> None:
        # A session of its own: Ctrl-C reaches only the supervisor, which then stops every
        # child the same way (SIGTERM, then SIGKILL), instead of each child half-handling SIGINT.
        program.process = subprocess.Popen(program.argv, start_new_session=True)  # noqa: S603
        program.started_at = time.monotonic()
        self._say(f"{program.name} started (pid {program.process.pid})")

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def run(self) -> int:
        signal.signal(signal.SIGINT, self._on_signal)
        signal.signal(signal.SIGTERM, self._on_signal)
        for program in self.programs:
            self._start(program)
        while not self.stopping:
            now = time.monotonic()
            for program in self.programs:
                self._watch(program, now)
            time.sleep(0.2)
        return self._stop_all()

    def _watch(self, program: Program, now: float) -> None:
        if program.process is None:
            if now >= program.next_start:
                self._start(program)
            return
        code = program.process.poll()
        if code is None:
            # Up for a minute: forget earlier crashes, so the next pause starts short again.
            if program.restarts and now - program.started_at > 60:
                program.restarts = 0
            return
        program.restarts += 1
        pause = min(30.0, 2.0 ** min(program.restarts, 5))
        self._say(f"{program.name} exited with code {code}; restarting in {pause:.0f} s")
        program.process = None
        program.next_start = now + pause

    def _stop_all(self) -> int:
        self._say("stopping…")
        running = [p for p in self.programs if p.process and p.process.poll() is None]
        for program in running:
            assert program.process is not None
            program.process.terminate()
        deadline = time.monotonic() + self.grace_s
        for program in running:
            assert program.process is not None
            try:
                program.process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self._say(f"{program.name} did not stop in time; killing it")
                program.process.kill()
                program.process.wait()
        self._say("stopped")
        return 0
