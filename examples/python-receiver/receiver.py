#!/usr/bin/env python3
"""A receiver of TIW whiteboard push callbacks in Python's standard library, to copy into your service.

    python3 receiver.py --port 3000 --key "$TIW_CALLBACK_KEY" --sdk-app-id 1400000001

It answers POST /tiw/callback as TIW expects, and GET /tasks/{TaskId} with its record of a task, for
`tiw-push-kit verify --inspect-url`:

- 200 {"error_code":0} to a valid callback; 400 to malformed JSON or a body that breaks the spec
  (required fields, types, bounds); 401 to a missing or wrong Sign (compared in constant time) or a
  past ExpireTime; 403 to another SdkAppId; 413 to a body over 1 MiB.
- Idempotent: TIW documents no retry policy, so the same TaskId and EventType may come twice; it is
  acknowledged again and applied once. A Stopped may come before its Started; unknown fields are
  accepted (forward compatibility).

--broken skips the signature check, to show that `tiw-push-kit verify` fails such a receiver.
Python 3.8 or later; prints "listening on URL" once it listens (--port 0 picks a free port).
"""

import argparse
import hashlib
import hmac
import json
import os
import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

CALLBACK_PATH = "/tiw/callback"
MAX_BODY_BYTES = 1024 * 1024
SIGN_PATTERN = re.compile(r"^[0-9a-f]{32}$")
FINISH_REASONS = ("AUTO", "USER_CALL", "EXCEPTION")


class Rejected(Exception):
    """A callback to refuse, with the HTTP status to answer and the reason."""

    def __init__(self, status, reason, message):
        super().__init__(message)
        self.status = status
        self.reason = reason


def integer(value, minimum, maximum=None):
    # bool is an int in Python, never in JSON.
    return type(value) is int and value >= minimum and (maximum is None or value <= maximum)


def text(value, min_length, max_length):
    return isinstance(value, str) and min_length <= len(value) <= max_length


def require(body, name, valid, where):
    if name not in body:
        raise Rejected(400, "schema", f"{where}{name} is required")
    if not valid(body[name]):
        raise Rejected(400, "schema", f"{where}{name} has a wrong type or value: {json.dumps(body[name])[:80]}")


def check_schema(event):
    """The spec's required fields and their types (openapi/schemas); extra fields are allowed."""
    if not isinstance(event, dict):
        raise Rejected(400, "schema", "the body must be a JSON object")
    require(event, "EventType", lambda value: value in ("WhiteboardPushStarted", "WhiteboardPushStopped"), "/")
    require(event, "SdkAppId", lambda value: integer(value, 1), "/")
    require(event, "Timestamp", lambda value: integer(value, 0), "/")
    require(event, "EventData", lambda value: isinstance(value, dict), "/")
    for name, valid in (("ExpireTime", lambda value: integer(value, 0)), ("Sign", lambda value: isinstance(value, str) and SIGN_PATTERN.match(value))):
        if name in event:
            require(event, name, valid, "/")
    data = event["EventData"]
    require(data, "TaskId", lambda value: text(value, 1, 128), "/EventData/")
    require(data, "RoomId", lambda value: integer(value, 1, 4294967295), "/EventData/")
    require(data, "PushUserId", lambda value: text(value, 1, 60), "/EventData/")
    require(data, "PushStartTime", lambda value: integer(value, 0), "/EventData/")
    if event["EventType"] == "WhiteboardPushStopped":
        require(data, "GroupId", lambda value: text(value, 1, 128), "/EventData/")
        require(data, "FinishReason", lambda value: value in FINISH_REASONS, "/EventData/")
        for name in ("PushStopTime", "IMSyncTime", "ExceptionCnt"):
            require(data, name, lambda value: integer(value, 0), "/EventData/")
        if "Error" in data:
            require(data, "Error", lambda value: isinstance(value, dict), "/EventData/")
            require(data["Error"], "Code", lambda value: text(value, 1, 128), "/EventData/Error/")
            require(data["Error"], "Message", lambda value: text(value, 0, 2048), "/EventData/Error/")


def reject_constant(name):
    raise ValueError(f"{name} is not JSON")


def verify(raw, key, sdk_app_id, check_signature=True):
    """Parses and authenticates one callback body; returns the event or raises Rejected."""
    try:
        event = json.loads(raw.decode("utf-8"), parse_constant=reject_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise Rejected(400, "malformed_json", f"the body is not JSON: {error}") from error
    check_schema(event)
    if "Sign" not in event or "ExpireTime" not in event:
        raise Rejected(401, "missing_signature", "Sign and ExpireTime are required")
    expected = hashlib.md5(f"{key}{event['ExpireTime']}".encode("utf-8")).hexdigest()
    if check_signature and not hmac.compare_digest(expected, event["Sign"]):
        raise Rejected(401, "bad_signature", "Sign does not match md5(key + ExpireTime)")
    if event["ExpireTime"] < int(time.time()):
        raise Rejected(401, "expired", f"ExpireTime {event['ExpireTime']} has passed")
    if event["SdkAppId"] != sdk_app_id:
        raise Rejected(403, "wrong_app", f"SdkAppId {event['SdkAppId']} is not {sdk_app_id}")
    return event


class Tasks:
    """Each task's state, applying every TaskId and EventType once, whatever the order."""

    def __init__(self):
        self.lock = threading.Lock()
        self.applied = set()
        self.tasks = {}

    def apply(self, event):
        data = event["EventData"]
        with self.lock:
            if (data["TaskId"], event["EventType"]) in self.applied:
                return
            self.applied.add((data["TaskId"], event["EventType"]))
            task = self.tasks.setdefault(data["TaskId"], {"Status": "PUSHING"})
            task.update(TaskId=data["TaskId"], RoomId=data["RoomId"], PushUserId=data["PushUserId"], PushStartTime=data["PushStartTime"])
            if event["EventType"] == "WhiteboardPushStopped":
                task.update({name: data[name] for name in ("GroupId", "FinishReason", "PushStopTime", "ExceptionCnt", "Error") if name in data})
                task["Status"] = "STOPPED"

    def get(self, task_id):
        with self.lock:
            task = self.tasks.get(task_id)
            return dict(task) if task else None


class Server(ThreadingHTTPServer):
    # TIW and `verify` send callbacks in parallel: the default backlog of 5 drops connections, which then wait 1 s to retry.
    request_queue_size = 128
    daemon_threads = True


def handler_for(key, sdk_app_id, check_signature):
    tasks = Tasks()

    class CallbackHandler(BaseHTTPRequestHandler):
        def answer(self, status, body):
            payload = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_POST(self):
            if self.path != CALLBACK_PATH:
                return self.answer(404, {"error_code": 404, "message": f"callbacks go to {CALLBACK_PATH}"})
            length = self.headers.get("Content-Length", "")
            if not length.isdigit():
                return self.answer(411, {"error_code": 411, "message": "Content-Length is required"})
            if int(length) > MAX_BODY_BYTES:
                self.close_connection = True
                return self.answer(413, {"error_code": 413, "reason": "too_large", "message": f"the body is over {MAX_BODY_BYTES} bytes"})
            try:
                event = verify(self.rfile.read(int(length)), key, sdk_app_id, check_signature)
            except Rejected as rejected:
                self.log_message("rejected (%s): %s", rejected.reason, rejected)
                return self.answer(rejected.status, {"error_code": rejected.status, "reason": rejected.reason, "message": str(rejected)})
            tasks.apply(event)
            self.answer(200, {"error_code": 0})

        def do_GET(self):
            if self.path == CALLBACK_PATH:
                return self.answer(405, {"error_code": 405, "message": "TIW callbacks are POST requests"})
            task = tasks.get(unquote(self.path[len("/tasks/"):])) if self.path.startswith("/tasks/") else None
            if task is None:
                return self.answer(404, {"error_code": 404, "message": "no such task"})
            self.answer(200, task)

        def log_request(self, code="-", size="-"):
            # One line per rejection is enough: a burst of accepted callbacks would drown it.
            pass

    return CallbackHandler


def main():
    parser = argparse.ArgumentParser(description="A receiver of TIW whiteboard push callbacks (Python standard library).")
    parser.add_argument("--port", type=int, default=3000, help="port on 127.0.0.1 (0: any free port); default 3000")
    parser.add_argument("--key", default=os.environ.get("TIW_CALLBACK_KEY", ""), help="the callback key (default: $TIW_CALLBACK_KEY)")
    parser.add_argument("--sdk-app-id", type=int, required=True, help="the SdkAppId whose callbacks are accepted")
    parser.add_argument("--broken", action="store_true", help="skip the signature check (a defect, for demonstrations)")
    options = parser.parse_args()
    if not options.key:
        parser.error("a callback key is required (--key or TIW_CALLBACK_KEY): without one every forgery would pass")
    server = Server(("127.0.0.1", options.port), handler_for(options.key, options.sdk_app_id, not options.broken))
    print(f"listening on http://127.0.0.1:{server.server_address[1]}{CALLBACK_PATH}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    sys.exit(main())
