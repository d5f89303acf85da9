#!/usr/bin/env python3
"""Run an unchanged asyncio program on CPython 3.11 with a virtual clock.

This is the oracle that produces corun's golden files: the scenario language
(docs: /work/shared/spec/scenario-language.md, rule 1) says the stdout of a
scenario must equal the stdout of its Python equivalent "run by CPython 3.11
on a virtual clock".  This module is that virtual clock.  It uses the Python
3.11 standard library only.

Usage::

    python3 tests/oracle/vclock.py program.py [args...]

or, from Python::

    import vclock
    vclock.run_path("program.py")      # installs the clock, runs as __main__

What it changes, and why
------------------------

1. **Virtual clock.**  One process-wide clock starts at 0.0.
   ``loop.time()``, ``time.time()``, ``time.monotonic()`` and
   ``time.perf_counter()`` (and their ``_ns`` variants) all read it, so
   every clock reads 0.0 when the program starts and time differences print
   exactly, with no jitter.

2. **Sleeping without waiting.**  ``VirtualClockLoop`` is a subclass of
   ``asyncio.SelectorEventLoop`` whose selector never waits for real.  When
   the loop would block in ``select(timeout)`` (nothing ready, a timer
   pending), the clock jumps to the earliest timer's deadline instead
   (exactly to its ``_when``, so repeated sleeps do not accumulate float
   error beyond what CPython's own deadline arithmetic produces).  The loop
   code itself -- ``_run_once``, the ready queue, task stepping -- is
   CPython's, untouched, so callback order is CPython's.

3. **time.sleep blocks without waiting.**  ``time.sleep(x)`` advances the
   virtual clock by ``x`` and returns at once.  It still blocks the event
   loop, as in reality: nothing else runs while the callback that called it
   is running, and timers that fell due meanwhile are overdue afterwards.

4. **Sockets on real loopback, deterministically.**  A program may open
   real TCP sockets on 127.0.0.1 (``asyncio.start_server``,
   ``open_connection``): they are driven by the platform selector (epoll
   on Linux), so callback order is CPython's own.  When the loop would
   block, ``select`` first polls (``select(0)``); if nothing is ready and
   sockets other than the self-pipe are registered, it waits a short real
   grace (``_SOCKET_GRACE``, 10 ms) for the kernel -- in practice loopback
   delivers a connect, a send or a close before the sending system call
   returns, so the grace only matters on a loaded machine.  Only then does
   the clock jump to the next timer.  So I/O always happens "at once" on
   the virtual clock, before any timer that is due later.

5. **Deadlock detection.**  ``select(None)`` with nothing ready, no timer
   scheduled and no executor job in flight would wait forever; instead the
   harness flushes stdout, prints ``deadlock`` to stderr and exits with
   status 3.  Registered sockets do not change that: if none becomes ready
   within the grace, none ever will (the program's own tasks are the only
   peers, and they are all waiting), so a server nobody connects to is a
   deadlock, as it is on corun's virtual network.

6. **Equal deadlines fire in scheduling order.**  CPython's ``TimerHandle``
   compares only ``_when`` and ``heapq`` is not stable.  On a real clock two
   timers practically never share a deadline (the clock moved between the
   two ``call_at`` calls), so they fire in scheduling order; on a virtual
   clock they would share it and fire scrambled.  ``call_at`` therefore
   creates a ``SequencedTimerHandle`` that orders by ``(when, sequence)``.

7. **Deterministic shutdown.**  At the end of ``asyncio.run`` CPython
   cancels the remaining tasks in the iteration order of
   ``asyncio.all_tasks()``, a set of tasks hashed by address, i.e. an order
   that changes from run to run.  The harness makes it creation order:
   every task created through ``loop.create_task`` (which ``create_task``,
   ``ensure_future``, ``gather``, ``TaskGroup`` and ``asyncio.run`` itself
   use) gets a sequence number, and ``asyncio.runners`` sees an
   ``all_tasks`` that returns a list sorted by it.  The public
   ``asyncio.all_tasks()`` still returns a set, as in CPython.

8. **The open-file limit is corun's.**  The soft ``RLIMIT_NOFILE`` is set
   to 4,096, the fds corun's virtual network holds, so that a program
   with many connections runs out of fds where corun does, whatever
   ``ulimit -n`` the shell had (it stays as it is when the hard limit is
   lower).

9. **asyncio.run uses this loop.**  An event loop policy whose
   ``new_event_loop()`` returns a ``VirtualClockLoop`` is installed, so
   ``asyncio.run``, ``asyncio.Runner``, ``asyncio.new_event_loop()`` and
   ``asyncio.get_event_loop()`` all get the virtual loop.  The program is
   then executed with ``runpy.run_path(path, run_name="__main__")``: it is
   plain, unchanged Python.

Limits: the harness is meant for programs whose only waiting is timers
(``asyncio.sleep``, ``wait_for``, ``timeout``...), ``time.sleep``, threads
and loopback sockets between the program's own tasks.  Any other file
descriptor (a pipe to a subprocess, a remote host) is treated like a
loopback socket: quiet for the grace means quiet for ever.  Threads
(``asyncio.to_thread``, ``run_in_executor``) get a short real-time window
to deliver their result before the virtual clock moves on (for ever when
no timer is due), and a ``time.sleep`` inside a thread advances the same
clock immediately.
"""

import asyncio
import asyncio.base_events
import asyncio.events
import asyncio.runners
import asyncio.tasks
import heapq
import itertools
import os
import runpy
import selectors
import sys
import threading
import time
import traceback
import weakref

__all__ = [
    "VirtualClock",
    "VirtualClockLoop",
    "VirtualClockPolicy",
    "SequencedTimerHandle",
    "clock",
    "install",
    "run_path",
    "main",
]

# Real time functions, kept before patching (the harness needs a real wait
# only for thread hand-offs).
_real_sleep = time.sleep

DEADLOCK_EXIT_STATUS = 3
# Real seconds a select() waits for an in-flight thread before the virtual
# clock is allowed to move on.
_THREAD_GRACE = 0.05
# Real seconds a select() with nothing ready waits for registered sockets
# before the clock jumps (or, with no timer, before it reports a deadlock).
# On Linux loopback TCP, connect's handshake, a send, a close and a refused
# connect are all visible to epoll before the system call returns: 2,000
# rounds of each, polled with epoll.poll(0) at once, never missed one
# (checked on Linux 6.x, 2026). The grace is only for a loaded machine.
_SOCKET_GRACE = 0.01


class VirtualClock:
    """A float clock in seconds that only moves when told to."""

    def __init__(self):
        self._now = 0.0
        self._lock = threading.Lock()

    def now(self):
        return self._now

    def advance(self, seconds):
        with self._lock:
            self._now += seconds

    def advance_to(self, when):
        with self._lock:
            if when > self._now:
                self._now = when

    # Replacements for the time module ------------------------------------

    def time(self):
        return self._now

    def time_ns(self):
        return int(round(self._now * 1e9))

    def sleep(self, seconds):
        # Same argument checking as time.sleep.
        if not isinstance(seconds, (int, float)):
            if hasattr(seconds, "__float__") or hasattr(seconds, "__index__"):
                seconds = float(seconds)
            else:
                raise TypeError(
                    "'%s' object cannot be interpreted as an integer"
                    % type(seconds).__name__)
        # The conversion to C _PyTime_t nanoseconds checks before the sign.
        if isinstance(seconds, float):
            if seconds != seconds:
                raise ValueError("Invalid value NaN (not a number)")
            if not -2.0**63 <= seconds * 1e9 < 2.0**63:
                raise OverflowError("timestamp out of range for platform time_t")
        elif not -2**63 <= seconds * 10**9 < 2**63:
            raise OverflowError("timestamp too large to convert to C _PyTime_t")
        if seconds < 0:
            raise ValueError("sleep length must be non-negative")
        self.advance(seconds)


clock = VirtualClock()

# Creation order of tasks, for deterministic shutdown (point 7).
_task_counter = itertools.count()
_task_order = weakref.WeakKeyDictionary()

# Order of timers with equal deadlines (point 6).
_timer_counter = itertools.count()


class SequencedTimerHandle(asyncio.TimerHandle):
    """A TimerHandle ordered by (deadline, scheduling sequence)."""

    __slots__ = ("_seq",)

    def __init__(self, when, callback, args, loop, context=None):
        super().__init__(when, callback, args, loop, context)
        self._seq = next(_timer_counter)

    def _key(self):
        return (self._when, self._seq)

    def __hash__(self):
        return hash(self._key())

    def __lt__(self, other):
        if isinstance(other, SequencedTimerHandle):
            return self._key() < other._key()
        return NotImplemented

    def __le__(self, other):
        if isinstance(other, SequencedTimerHandle):
            return self._key() <= other._key()
        return NotImplemented

    def __gt__(self, other):
        if isinstance(other, SequencedTimerHandle):
            return self._key() > other._key()
        return NotImplemented

    def __ge__(self, other):
        if isinstance(other, SequencedTimerHandle):
            return self._key() >= other._key()
        return NotImplemented

    def __eq__(self, other):
        if isinstance(other, SequencedTimerHandle):
            return self._key() == other._key()
        return NotImplemented

    def __ne__(self, other):
        equal = self.__eq__(other)
        return NotImplemented if equal is NotImplemented else not equal


class _VirtualSelector(selectors.DefaultSelector):
    """The platform selector, except that waiting moves the virtual clock."""

    loop = None  # set by VirtualClockLoop.__init__

    def _external_fds(self):
        """Registered file descriptors other than the loop's self-pipe."""
        loop = self.loop
        self_pipe = loop._ssock.fileno() if loop._ssock is not None else -1
        return [key for key in self.get_map().values() if key.fd != self_pipe]

    def select(self, timeout=None):
        loop = self.loop
        # Whatever is already there (a thread's call_soon_threadsafe, ready
        # I/O) is delivered first, without moving the clock.
        events = super().select(0)
        if events or timeout == 0:
            return events
        waiting_for_threads = loop._vclock_inflight > 0
        if waiting_for_threads:
            # A thread will wake the loop up: wait for it for real (for ever
            # when there is no timer), as CPython would.
            grace = None if timeout is None else min(timeout, _THREAD_GRACE)
            events = super().select(grace)
            if events or timeout is None:
                return events
        elif self._external_fds():
            # Loopback sockets: what a peer sent, a connect, a close are
            # visible at once in practice (see _SOCKET_GRACE); give the
            # kernel a short real moment, then treat the sockets as quiet.
            grace = _SOCKET_GRACE if timeout is None else \
                min(timeout, _SOCKET_GRACE)
            events = super().select(grace)
            if events:
                return events
        if timeout is None:
            # Nothing ready, no timer, no thread, and no socket that is
            # going to become ready: nothing can ever wake the loop.
            self._deadlock()
        # Jump to the next deadline instead of waiting.
        scheduled = loop._scheduled
        if scheduled:
            when = scheduled[0]._when
            expected = min(max(0, when - loop.time()),
                           asyncio.base_events.MAXIMUM_SELECT_TIMEOUT)
            if timeout == expected and timeout < \
                    asyncio.base_events.MAXIMUM_SELECT_TIMEOUT:
                clock.advance_to(when)
                return []
        clock.advance(timeout)
        return []

    @staticmethod
    def _deadlock():
        try:
            sys.stdout.flush()
        finally:
            sys.stderr.write("deadlock\n")
            sys.stderr.flush()
            os._exit(DEADLOCK_EXIT_STATUS)


class VirtualClockLoop(asyncio.SelectorEventLoop):
    """asyncio's selector event loop on the virtual clock."""

    def __init__(self, selector=None):
        if selector is None:
            selector = _VirtualSelector()
        self._vclock_inflight = 0
        super().__init__(selector)
        if isinstance(selector, _VirtualSelector):
            selector.loop = self

    def time(self):
        return clock.now()

    def call_at(self, when, callback, *args, context=None):
        # base_events.BaseEventLoop.call_at, with SequencedTimerHandle.
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        if self._debug:
            self._check_thread()
            self._check_callback(callback, 'call_at')
        timer = SequencedTimerHandle(when, callback, args, self, context)
        if timer._source_traceback:
            del timer._source_traceback[-1]
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        return timer

    def create_task(self, coro, *, name=None, context=None):
        task = super().create_task(coro, name=name, context=context)
        if task._source_traceback:
            # Debug mode: show the caller as the creation site, not us.
            del task._source_traceback[-1]
        _task_order[task] = next(_task_counter)
        return task

    # Threads: count jobs in flight so that select() knows someone will
    # wake the loop up.  The count drops on the loop thread, after the
    # thread's result has been delivered.

    def _vclock_track(self, fut):
        self._vclock_inflight += 1

        def done(_fut):
            self._vclock_inflight -= 1

        fut.add_done_callback(done)
        return fut

    def run_in_executor(self, executor, func, *args):
        return self._vclock_track(
            super().run_in_executor(executor, func, *args))

    async def shutdown_default_executor(self):
        self._vclock_inflight += 1
        try:
            await super().shutdown_default_executor()
        finally:
            self._vclock_inflight -= 1


class VirtualClockPolicy(asyncio.DefaultEventLoopPolicy):
    _loop_factory = VirtualClockLoop


def _creation_order_key(task):
    order = _task_order.get(task)
    if order is not None:
        return (0, order, "")
    # A task not made by loop.create_task (e.g. asyncio.Task(coro) called
    # directly): after the others, by name.
    return (1, 0, task.get_name())


def _all_tasks_in_creation_order(loop=None):
    return sorted(asyncio.tasks.all_tasks(loop), key=_creation_order_key)


class _RunnersTasksView:
    """What asyncio.runners sees as its `tasks` module."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        return getattr(self._module, name)

    all_tasks = staticmethod(_all_tasks_in_creation_order)


_installed = False


# corun's virtual network holds this many fds (engine/asyncio/virtual_network.h
# kMaxFds): the program gets the same soft RLIMIT_NOFILE, so both run out at
# the same fd, whatever `ulimit -n` the shell had.
OPEN_FILE_LIMIT = 4096


def _set_open_file_limit():
    try:
        import resource
    except ImportError:
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard >= OPEN_FILE_LIMIT:
        resource.setrlimit(resource.RLIMIT_NOFILE, (OPEN_FILE_LIMIT, hard))


def install():
    """Patch the time module and asyncio (idempotent)."""
    global _installed
    if _installed:
        return
    _installed = True
    time.time = clock.time
    time.monotonic = clock.time
    time.perf_counter = clock.time
    time.time_ns = clock.time_ns
    time.monotonic_ns = clock.time_ns
    time.perf_counter_ns = clock.time_ns
    time.sleep = clock.sleep
    _set_open_file_limit()
    asyncio.runners.tasks = _RunnersTasksView(asyncio.tasks)
    asyncio.set_event_loop_policy(VirtualClockPolicy())


def run_path(path, argv=None):
    """Install the virtual clock and run the program at `path` as __main__."""
    install()
    sys.argv = [path] + list(argv or [])
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    return runpy.run_path(path, run_name="__main__")


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help"):
        sys.stderr.write("usage: vclock.py program.py [args...]\n")
        return 2
    # Drop this directory from sys.path: the program gets its own.
    here = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != here]
    program = os.path.abspath(argv[0])
    try:
        run_path(argv[0], argv[1:])
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:
        # Print the traceback as `python3 program.py` would: without the
        # harness's own frames (this function, runpy).
        tb = exc.__traceback__
        while tb is not None and os.path.abspath(
                tb.tb_frame.f_code.co_filename) != program:
            tb = tb.tb_next
        exc.__traceback__ = tb or exc.__traceback__
        # Like PyErr_Print: keep the exception alive until shutdown, so
        # objects it holds (e.g. a never-awaited coroutine) are finalised
        # at the same moment as under plain CPython.
        sys.last_type, sys.last_value = type(exc), exc
        sys.last_traceback = exc.__traceback__
        traceback.print_exception(exc)
        sys.stderr.flush()
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
