"""One OS process registering consignments through the real app, for test_concurrency.py.

python -m tests.consignments.concurrent_worker URL TOKEN PREFIX TAG START_AT SINGLES DISPATCHES
First every worker registers the same consignment (one shared reference) at the same moment: one must
get 201 and the others 200 with the same number. Then its own registrations. Prints JSON: the shared
answer and the tracking numbers it was given. Waits until START_AT (a UNIX time) so that all workers hit
the database together. On SQLite (one writer at a time) a competing writer can make a request
fail with "database is locked": the worker retries it, as a client would, and nothing a failed request
wrote may keep a number. On PostgreSQL nothing may fail: any error ends the worker, and the test.
"""

from __future__ import annotations

import json
import sys
import time

from app import create_app

RETRIES = 200


def main(url: str, token: str, prefix: str, tag: str, start_at: float, singles: int, dispatches: int) -> None:
    app = create_app({"DATABASE_URL": url, "HOATOC_ENV": "testing", "SECRET_KEY": "concurrency-test",
                      "SERIAL_PREFIX": prefix, "RATELIMIT_ENABLED": False})  # fmt: skip
    client = app.test_client()
    headers = {"Authorization": f"Bearer {token}"}
    base = {"sender": "UBBC-DIENBIEN", "document": {"number": f"{tag}/CV"}, "urgency": "flash"}
    trackings: list[str] = []
    time.sleep(max(0.0, start_at - time.time()))
    status, shared = _post(client, "/api/v1/consignments", {**base, "recipient": "UBBC-MUONGLAY",
                                                             "reference": "conc-shared"}, headers)  # fmt: skip
    for i in range(max(singles, dispatches)):
        if i < singles:
            body = {**base, "recipient": "UBBC-MUONGPHANG", "reference": f"{tag}-{i}"}
            trackings.append(_post(client, "/api/v1/consignments", body, headers)[1]["tracking"])
        if i < dispatches:
            body = {
                **base,
                "recipients": ["UBBC-MUONGNHE", "UBBC-SINTHAU", "UBBC-NAHY"],
                "reference": f"{tag}-d{i}",
            }
            result = _post(client, "/api/v1/dispatches", body, headers)[1]
            trackings += [c["tracking"] for c in result["consignments"]]
    print(json.dumps({"shared": [status, shared["tracking"]], "trackings": trackings}))


def _post(client, path: str, body: dict, headers: dict) -> tuple[int, dict]:  # type: ignore[no-untyped-def]
    for _attempt in range(RETRIES):
        response = client.post(path, json=body, headers=headers)
        if response.status_code in (200, 201):
            return response.status_code, response.get_json()
        if response.status_code < 500 or not client.application.config["DATABASE_URL"].startswith("sqlite"):
            raise SystemExit(f"{path}: {response.status_code} {response.get_data(as_text=True)}")
        time.sleep(0.02)
    raise SystemExit(f"{path}: still failing after {RETRIES} attempts")


if __name__ == "__main__":
    url, token, prefix, tag, start_at, singles, dispatches = sys.argv[1:8]
    main(url, token, prefix, tag, float(start_at), int(singles), int(dispatches))
