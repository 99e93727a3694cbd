"""Fault knobs: make the next Rest API calls fail, stall, or lose their answer.

The shop must survive a Twikit that misbehaves, and a demo must be able to
show it. Arm faults with ``POST /api/sandbox/faults``::

    {"fail_next": 3, "mode": "http500"}    HTTP 500 with an HTML body, nothing processed
    {"fail_next": 1, "mode": "code0"}      HTTP 500 with resultCode 0, nothing processed
    {"delay_next": 2, "delay_seconds": 5}  answer 5 s late
    {"drop_next": 1}                       process the call, then close the connection unanswered
    {"target": "export"}                   which calls: "orders" (default), "export" or "any"

Each knob counts down once per call it affects. A failed call is not
processed, so it does not use up a drop. ``GET`` reads the knobs and the
faults injected so far, ``DELETE`` disarms everything.

The knobs live in memory, per process: they are a test fixture, not data.
"""

import socket
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, jsonify, request

from .results import ResultCode, answer

bp = Blueprint("faults", __name__)

EXTENSION_KEY = "twikit_sandbox_faults"
TARGETS = ("orders", "export", "any")
FAIL_MODES = ("http500", "code0")
MAX_COUNT = 1000
MAX_DELAY_SECONDS = 120
HISTORY = 50


class InvalidFaults(ValueError):
    """An arming request the sandbox cannot follow; the message says why."""


class FaultPlan:
    """The armed knobs, shared by all request threads, so every change holds the lock."""

    def __init__(self):
        self._lock = threading.Lock()
        self._knobs: dict[str, dict] = {}
        self._injected: deque = deque(maxlen=HISTORY)

    def arm(self, body: object) -> None:
        """Set the knobs ``body`` names (see the module docstring); others stay as they are."""
        knobs = parse(body)
        with self._lock:
            self._knobs.update(knobs)

    def reset(self) -> None:
        with self._lock:
            self._knobs.clear()
            self._injected.clear()

    def snapshot(self) -> dict:
        with self._lock:
            return {
                "fail": dict(self._knobs["fail"]) if "fail" in self._knobs else None,
                "delay": dict(self._knobs["delay"]) if "delay" in self._knobs else None,
                "drop": dict(self._knobs["drop"]) if "drop" in self._knobs else None,
                "injected": list(self._injected),
            }

    def take(self, target: str) -> dict:
        """Count down the knobs that apply to one call of ``target``; return what to do to it."""
        with self._lock:
            fail = self._use("fail", target)
            delay = self._use("delay", target)
            drop = None if fail else self._use("drop", target)
            fault = {"fail": fail and fail["mode"], "delay": delay and delay["seconds"], "drop": bool(drop)}
            if fail or delay or drop:
                self._injected.append({"at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                                       "target": target, **fault})
            return fault

    def _use(self, kind: str, target: str) -> dict | None:
        knob = self._knobs.get(kind)
        if knob is None or knob["target"] not in (target, "any"):
            return None
        knob["remaining"] -= 1
        if knob["remaining"] <= 0:
            del self._knobs[kind]
        return knob


def parse(body: object) -> dict[str, dict]:
    """The knobs an arming request sets, checked; raise InvalidFaults."""
    if not isinstance(body, dict) or not body:
        raise InvalidFaults("send a JSON object such as {\"fail_next\": 3, \"mode\": \"http500\"}")
    known = {"fail_next", "mode", "delay_next", "delay_seconds", "drop_next", "target"}
    unknown = sorted(set(body) - known)
    if unknown:
        raise InvalidFaults(f"unknown key(s): {', '.join(unknown)}")
    target = body.get("target", "orders")
    if target not in TARGETS:
        raise InvalidFaults(f"target must be one of {', '.join(TARGETS)}")
    knobs = {}
    if "fail_next" in body:
        mode = body.get("mode", "http500")
        if mode not in FAIL_MODES:
            raise InvalidFaults(f"mode must be one of {', '.join(FAIL_MODES)}")
        knobs["fail"] = {"remaining": _count(body, "fail_next"), "mode": mode, "target": target}
    if "delay_next" in body:
        seconds = body.get("delay_seconds")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) \
                or not 0 < seconds <= MAX_DELAY_SECONDS:
            raise InvalidFaults(f"delay_seconds must be a number above 0 and at most {MAX_DELAY_SECONDS}")
        knobs["delay"] = {"remaining": _count(body, "delay_next"), "seconds": seconds, "target": target}
    if "drop_next" in body:
        knobs["drop"] = {"remaining": _count(body, "drop_next"), "target": target}
    if not knobs:
        raise InvalidFaults("name at least one of fail_next, delay_next, drop_next")
    return knobs


def _count(body: dict, key: str) -> int:
    value = body[key]
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_COUNT:
        raise InvalidFaults(f"{key} must be a whole number from 1 to {MAX_COUNT}")
    return value


def plan() -> FaultPlan:
    return current_app.extensions[EXTENSION_KEY]


def init_app(app) -> None:
    app.extensions[EXTENSION_KEY] = FaultPlan()
    app.register_blueprint(bp)


def respond(target: str, handle: Callable[[], Response]) -> Response:
    """Answer one Rest API call of ``target`` through whatever faults are armed for it."""
    fault = plan().take(target)
    if fault["fail"]:
        current_app.logger.warning("fault: failing a %s call (%s)", target, fault["fail"])
        response = _failure(fault["fail"])
    else:
        response = handle()
    if fault["delay"]:
        time.sleep(fault["delay"])
    if fault["drop"]:
        current_app.logger.warning("fault: dropping the answer to a %s call", target)
        return _dropped()
    return response


def _failure(mode: str) -> Response:
    if mode == "code0":
        return answer(ResultCode.UnexpectedError, "Injected fault: unexpected error (code0).")
    # What a crashing server in front of the API sends: an HTML page, no result code.
    return Response("<!doctype html><title>500 Internal Server Error</title>"
                    "<h1>Internal Server Error</h1><p>Injected fault (http500).</p>",
                    status=500, mimetype="text/html")


def _dropped() -> Response:
    """Close the client's connection without an answer: the work is done, the answer is lost."""
    client = request.environ.get("werkzeug.socket") or request.environ.get("gunicorn.socket")
    if client is not None:
        try:
            client.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass  # the client has gone already: just as lost

    # Raised before the first byte is written, so the server sends nothing; werkzeug's
    # server treats a ConnectionError from the app as a dropped connection and stays quiet.
    def no_body():
        raise ConnectionAbortedError("answer dropped by the sandbox's drop_next fault")
        yield b""  # never reached: the yield makes this a generator, so it raises only when served

    return Response(no_body(), status=200, mimetype="application/json")


# ---------------------------------------------------------------- the knobs' API


@bp.get("/api/sandbox/faults")
def read_faults():
    return jsonify(plan().snapshot())


@bp.post("/api/sandbox/faults")
def arm_faults():
    try:
        plan().arm(request.get_json(force=True, silent=True))
    except InvalidFaults as error:
        return jsonify(error=str(error)), 400
    return jsonify(plan().snapshot())


@bp.delete("/api/sandbox/faults")
def reset_faults():
    plan().reset()
    return jsonify(plan().snapshot())
