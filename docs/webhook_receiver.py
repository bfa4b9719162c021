"""A webhook receiver that verifies every delivery with the `standardwebhooks` library.

    python3 docs/webhook_receiver.py --port 8001 --secret whsec_...  >> received.jsonl

Each verified event is printed as one JSON line; a delivery that does not verify gets 400 (the
hub retries it) and a line on stderr. A receiver should answer 2xx quickly and de-duplicate on
`webhook-id` (deliveries are at least once) and on the record's `version` (drop stale ones).
"""

from __future__ import annotations

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError


def main() -> None:
    """Serve until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--secret", required=True, help="The endpoint's whsec_... secret.")
    args = parser.parse_args()
    verifier = Webhook(args.secret)
    seen: set[str] = set()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            try:
                event = verifier.verify(body, dict(self.headers.items()))
            except WebhookVerificationError as exc:
                sys.stderr.write(f"rejected a delivery: {exc}\n")
                self.send_response(400)
                self.end_headers()
                return
            webhook_id = self.headers["webhook-id"]
            if webhook_id not in seen:  # at least once: a retry may repeat a delivery
                seen.add(webhook_id)
                sys.stdout.write(json.dumps({"webhook_id": webhook_id, **event}) + "\n")
                sys.stdout.flush()
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
