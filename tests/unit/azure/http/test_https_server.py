#!/usr/bin/env python3
"""A small HTTPS (or plain HTTP) server for the Azure plugin's HTTP client tests.

Prints "PORT <n>" once it listens on 127.0.0.1, then serves until its stdin closes (the test
process holds the other end, so the server never outlives the test). Paths:
  /echo...                 200, JSON: method, path, lower-cased headers, body, connection id,
                           the TLS server name the client sent (sni)
  /status/<code>           <code>, headers from the query (retry_after, retry_after_ms,
                           x_ms_retry_after_ms, www_authenticate, location), a Key Vault
                           error body
  /flaky/<key>?fail=N&status=S[&retry_after=R]
                           the first N requests for <key> answer S (with Retry-After R), then 200
  /slow?ms=M               waits M ms before answering
  /big?bytes=N             200 with N bytes of 'x'
  /count/<key>             200, JSON: how many /flaky requests <key> has seen
"""
import argparse
import http.server
import json
import os
import socketserver
import ssl
import sys
import threading
import time
import urllib.parse

LOCK = threading.Lock()
CONNECTIONS = [0]
FLAKY = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        with LOCK:
            CONNECTIONS[0] += 1
            self.connection_id = CONNECTIONS[0]

    def log_message(self, fmt, *args):
        pass

    def reply(self, status, body, headers=None, content_type="application/json"):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode("utf-8", "replace") if length else ""
        url = urllib.parse.urlsplit(self.path)
        query = dict(urllib.parse.parse_qsl(url.query))
        parts = [p for p in url.path.split("/") if p]
        if parts and parts[0] == "echo":
            self.reply(200, json.dumps({
                "method": self.command,
                "path": self.path,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body,
                "connection": self.connection_id,
                "sni": getattr(self.request, "sni", None),
            }))
        elif len(parts) == 2 and parts[0] == "status":
            headers = {}
            if "retry_after" in query:
                headers["Retry-After"] = query["retry_after"]
            if "retry_after_ms" in query:
                headers["retry-after-ms"] = query["retry_after_ms"]
            if "x_ms_retry_after_ms" in query:
                headers["x-ms-retry-after-ms"] = query["x_ms_retry_after_ms"]
            if "www_authenticate" in query:
                headers["WWW-Authenticate"] = query["www_authenticate"]
            if "location" in query:
                headers["Location"] = query["location"]
            self.reply(int(parts[1]), json.dumps(
                {"error": {"code": "TestError", "message": "status " + parts[1]}}), headers)
        elif len(parts) == 2 and parts[0] == "flaky":
            with LOCK:
                FLAKY[parts[1]] = FLAKY.get(parts[1], 0) + 1
                seen = FLAKY[parts[1]]
            if seen <= int(query.get("fail", "0")):
                headers = {}
                if "retry_after" in query:
                    headers["Retry-After"] = query["retry_after"]
                self.reply(int(query.get("status", "503")), "{}", headers)
            else:
                self.reply(200, json.dumps({"count": seen}))
        elif len(parts) == 2 and parts[0] == "count":
            with LOCK:
                seen = FLAKY.get(parts[1], 0)
            self.reply(200, json.dumps({"count": seen}))
        elif parts and parts[0] == "slow":
            time.sleep(int(query.get("ms", "1000")) / 1000.0)
            self.reply(200, "{}")
        elif parts and parts[0] == "big":
            self.reply(200, b"x" * int(query.get("bytes", "0")), content_type="text/plain")
        else:
            self.reply(404, json.dumps({"error": {"code": "NotFound", "message": self.path}}))

    def do_GET(self):
        self.handle_any()

    def do_POST(self):
        self.handle_any()


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    tls = None

    def finish_request(self, request, client_address):
        # The TLS handshake runs in the connection's own thread, so a client that never
        # completes one cannot stall the accept loop.
        if self.tls is not None:
            try:
                request = self.tls.wrap_socket(request, server_side=True)
            except (ssl.SSLError, OSError):
                return
        super().finish_request(request, client_address)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--cert")
    parser.add_argument("--key")
    args = parser.parse_args()
    server = Server(("127.0.0.1", 0), Handler)
    if args.cert:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(args.cert, args.key)

        def remember_sni(ssl_socket, server_name, _context):
            ssl_socket.sni = server_name

        context.sni_callback = remember_sni
        server.tls = context
    print("PORT %d" % server.server_address[1], flush=True)

    def watch_stdin():
        sys.stdin.read()
        os._exit(0)

    threading.Thread(target=watch_stdin, daemon=True).start()
    server.serve_forever()


if __name__ == "__main__":
    main()
