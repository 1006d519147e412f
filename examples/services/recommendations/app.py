"""A tiny recommendations API: /health for the probes, / for traffic."""
import json
import os
from http.server import BaseHTTPRequestHandler, HTTPServer


class Handler(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's naming)
        body = b"ok" if self.path == "/health" else json.dumps({"service": "recommendations"}).encode()
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)


if __name__ == "__main__":
    HTTPServer(("", int(os.environ.get("PORT", "8000"))), Handler).serve_forever()
