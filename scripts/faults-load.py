#!/usr/bin/env python3
"""The clients of scripts/faults.sh: N threads posting cases to a gridgov server while the script
restarts its database and kills the server, each report retried with the same Idempotency-Key
until it is acknowledged (as a mobile app would). Standard library only.

Runs until the file named by --stop exists, then gives every report still unacknowledged until
--drain seconds to be acknowledged, and writes what it saw as JSON to --out:
  acked        {key: case number} of the reports the server acknowledged (201)
  pending      keys never acknowledged
  status       counts of every answer by status code
  non503_5xx   answers 500-599 other than 503, with their bodies
  refused      4xx answers (a report must never be refused for a fault), with their bodies
  unanswered   requests that got no answer within --timeout seconds
  conn_errors  requests that could not be sent or whose connection dropped (server down)
"""
import argparse
import http.client
import json
import os
import random
import threading
import time
import uuid


def parse():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--token", required=True)
    p.add_argument("--clients", type=int, default=8)
    p.add_argument("--lat", type=float, required=True)
    p.add_argument("--lng", type=float, required=True)
    p.add_argument("--category", default="E0101")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--drain", type=float, default=60.0)
    p.add_argument("--stop", required=True)
    p.add_argument("--out", required=True)
    return p.parse_args()


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.acked = {}
        self.pending = set()
        self.status = {}
        self.non503 = []
        self.refused = []
        self.unanswered = 0
        self.unanswered_ids = []
        self.conn_errors = 0

    def count(self, status):
        with self.lock:
            self.status[str(status)] = self.status.get(str(status), 0) + 1


class Clock:
    """When the stop file appeared: from then on no new report starts, and reports still
    unacknowledged get until `drain` seconds later."""

    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.stopped_at = None

    def stopping(self):
        with self.lock:
            if self.stopped_at is None and os.path.exists(self.args.stop):
                self.stopped_at = time.monotonic()
            return self.stopped_at is not None

    def expired(self):
        return self.stopping() and time.monotonic() > self.stopped_at + self.args.drain


def send(args, tally, conn, key, body, attempt):
    """One attempt: (status, retry-after, text), or None when no answer came (the connection is then closed)."""
    request_id = f"{key}-{attempt}"
    try:
        conn.request("POST", "/v1/cases", body=body, headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {args.token}",
            "Idempotency-Key": key, "Accept-Language": "en", "X-Request-Id": request_id})
        response = conn.getresponse()
        return response.status, response.getheader("Retry-After"), response.read().decode("utf-8", "replace")
    except TimeoutError:
        with tally.lock:
            tally.unanswered += 1
            tally.unanswered_ids.append(request_id)
    except (ConnectionError, http.client.HTTPException, OSError):
        with tally.lock:
            tally.conn_errors += 1
        time.sleep(0.2)
    conn.close()
    return None


def report(args, tally, clock, conn, rng):
    """Posts one new report until it is acknowledged, refused, or the drain time is over."""
    key = str(uuid.uuid4())
    body = json.dumps({
        "description": f"faults {key}", "category": args.category, "source": "hotline",
        "lat": args.lat + rng.uniform(-0.0003, 0.0003), "lng": args.lng + rng.uniform(-0.0003, 0.0003),
    }).encode()
    with tally.lock:
        tally.pending.add(key)
    attempt = 0
    while not clock.expired():
        attempt += 1
        answer = send(args, tally, conn, key, body, attempt)
        if answer is None:
            continue
        status, retry_after, text = answer
        tally.count(status)
        if status in (200, 201):
            with tally.lock:
                tally.acked[key] = json.loads(text)["case"]["number"]
                tally.pending.discard(key)
            return
        if status == 503:
            time.sleep(min(float(retry_after or 1), 2.0) * rng.uniform(0.5, 1.0))
        elif status >= 500:
            with tally.lock:
                tally.non503.append({"status": status, "body": text[:500]})
            time.sleep(0.5)
        else:
            with tally.lock:
                tally.refused.append({"status": status, "body": text[:500]})
                tally.pending.discard(key)
            return


def client(args, tally, clock, number):
    rng = random.Random(number)
    conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=args.timeout)
    while not clock.stopping():
        report(args, tally, clock, conn, rng)


def main():
    args = parse()
    tally = Tally()
    clock = Clock(args)
    threads = [threading.Thread(target=client, args=(args, tally, clock, i), daemon=True) for i in range(args.clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    with open(args.out, "w") as f:
        json.dump({
            "acked": tally.acked, "pending": sorted(tally.pending), "status": tally.status,
            "non503_5xx": tally.non503, "refused": tally.refused,
            "unanswered": tally.unanswered, "unanswered_ids": tally.unanswered_ids, "conn_errors": tally.conn_errors,
        }, f, ensure_ascii=False)


if __name__ == "__main__":
    main()
