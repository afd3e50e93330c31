#!/usr/bin/env python3
"""Reference exec adapter for `kuscia-conform run --client exec:...` (contract: docs/clients.md).

Reads one JSON request on stdin, makes the call with the standard library only (http.client + ssl),
prints one JSON outcome on stdout and exits 0. Every network or TLS failure is an outcome, not a crash.
A request with "stream" reads the body piece by piece (WatchJob's concatenated JSON objects) until the
server ends it, max_events objects arrived, or max_time_ms passed, and says which in "stream_end".

    kuscia-conform run --client 'exec:python3 harness/examples/python_client.py'
"""
import http.client
import json
import socket
import ssl
import sys
import time
import urllib.parse

# ssl verify codes (X509_V_ERR_*) -> transport class, for server-certificate failures.
EXPIRED = {9, 10}           # not yet valid, has expired
HOSTNAME = {62, 64}         # hostname mismatch, IP address mismatch
# OpenSSL reason names of alerts a server sends when it refuses our client certificate.
CLIENT_REJECTED = ("CERTIFICATE_REQUIRED", "BAD_CERTIFICATE", "UNKNOWN_CA", "CERTIFICATE_EXPIRED",
                   "UNSUPPORTED_CERTIFICATE", "CERTIFICATE_UNKNOWN", "HANDSHAKE_FAILURE", "ACCESS_DENIED")
PROTOCOL = ("WRONG_VERSION_NUMBER", "PACKET_LENGTH_TOO_LONG", "UNSUPPORTED_PROTOCOL", "PROTOCOL_VERSION",
            "NO_PROTOCOLS_AVAILABLE", "HTTP_REQUEST", "RECORD_LAYER_FAILURE")


def outcome(transport, detail="", status=None, headers=None, body=None):
    return {"transport": transport, "http_status": status, "headers": headers or {}, "body": body,
            "detail": detail}


def make_context(req):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if req["verify_server"]:
        if req["ca_cert"]:
            ctx.load_verify_locations(cafile=req["ca_cert"])
        else:
            ctx.load_default_certs()
    else:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    if req["client_cert"] or req["client_key"]:
        ctx.load_cert_chain(certfile=req["client_cert"], keyfile=req["client_key"])
    return ctx


def classify_ssl_error(err):
    if isinstance(err, ssl.SSLCertVerificationError):
        if err.verify_code in EXPIRED:
            return "tls_server_expired"
        if err.verify_code in HOSTNAME:
            return "tls_hostname_mismatch"
        return "tls_server_untrusted"
    reason = (getattr(err, "reason", None) or "").upper()
    if any(word in reason for word in PROTOCOL):
        return "tls_protocol_mismatch"
    if any(word in reason for word in CLIENT_REJECTED):
        return "tls_client_rejected"
    return "connection_reset"


def probe_rejection(req, url):
    """Under TLS 1.3 the server's verdict on our certificate races our request; when the request only saw a
    cut, repeat the handshake alone and read without sending, so an alert is always seen. No request is sent."""
    try:
        probe_ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        probe_ctx.check_hostname = False
        probe_ctx.verify_mode = ssl.CERT_NONE
        if req["client_cert"]:
            probe_ctx.load_cert_chain(certfile=req["client_cert"], keyfile=req["client_key"])
        with socket.create_connection((url.hostname, url.port), timeout=2) as raw:
            with probe_ctx.wrap_socket(raw, server_hostname=url.hostname) as tls:
                tls.recv(1)
    except ssl.SSLError as err:
        if classify_ssl_error(err) == "tls_client_rejected":
            return "a handshake-only probe with the same identity got the alert: " + str(err)
    except OSError:
        pass
    return None


def cut(req, url, err):
    if url.scheme == "https":
        why = probe_rejection(req, url)
        if why:
            return outcome("tls_client_rejected", str(err) + "; " + why)
    return outcome("connection_reset", str(err))


class ObjectCounter:
    """Counts complete top-level JSON objects in a stream of concatenated objects ({...}{...}), fed in
    pieces. Only braces outside strings matter; the harness parses and judges the body itself."""

    def __init__(self):
        self.count = 0
        self.depth = 0
        self.in_string = False
        self.escaped = False

    def feed(self, data, limit):
        """True once `limit` (> 0) objects are complete."""
        for byte in data:
            if self.depth == 0:
                if byte == 0x7B:  # '{' starts an object; anything else between objects is left to the harness
                    self.depth = 1
                continue
            if self.in_string:
                if self.escaped:
                    self.escaped = False
                elif byte == 0x5C:  # backslash
                    self.escaped = True
                elif byte == 0x22:  # '"'
                    self.in_string = False
            elif byte == 0x22:
                self.in_string = True
            elif byte in (0x7B, 0x5B):
                self.depth += 1
            elif byte in (0x7D, 0x5D):
                self.depth -= 1
                if self.depth == 0:
                    self.count += 1
                    if limit and self.count >= limit:
                        return True
        return False


def read_stream(sock, resp, stream, deadline):
    """Reads the body as it arrives. Stopping at max_events or max_time is a normal end ("ok"); a stream cut
    without its final chunk is connection_reset, with the bytes received before the cut."""
    status, headers = resp.status, {k.lower(): v for k, v in resp.getheaders()}
    received = bytearray()
    counter = ObjectCounter()

    def result(transport, end, detail=""):
        out = outcome(transport, detail, status=status, headers=headers,
                      body=received.decode("utf-8", errors="replace"))
        out["stream_end"] = end
        return out

    try:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return result("ok", "max_time")
            sock.settimeout(remaining)
            piece = resp.read1(65536)  # whatever arrived, at most one read: chunked framing is handled
            if not piece:
                return result("ok", "server_closed")
            received.extend(piece)
            if counter.feed(piece, stream["max_events"]):
                return result("ok", "max_events")
    except (socket.timeout, TimeoutError):
        return result("ok", "max_time")
    except http.client.IncompleteRead as err:
        received.extend(err.partial)
        return result("connection_reset", "error", "the stream ended without its final chunk: " + repr(err))
    except (OSError, http.client.HTTPException) as err:
        return result("connection_reset", "error", str(err))


def call(req):
    url = urllib.parse.urlsplit(req["url"])
    stream = req.get("stream")
    started = time.monotonic()
    # A stream read is bounded by its max_time as a whole, connecting included (curl's --max-time).
    timeout = (stream["max_time_ms"] if stream else req["timeout_ms"]) / 1000.0
    if url.scheme == "https":
        try:
            ctx = make_context(req)
        except (OSError, ssl.SSLError) as err:
            return outcome("client_config_error", str(err))
        conn = http.client.HTTPSConnection(url.hostname, url.port, timeout=timeout, context=ctx)
    else:
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=timeout)
    headers = dict(req["headers"])
    if req["token"] is not None:
        headers["Token"] = req["token"]
    body = req["body"].encode() if req["body"] is not None else None
    try:
        conn.request(req["method"], req["path"], body=body, headers=headers)
        # getresponse() may hand the socket over to the response and drop conn.sock; keep our own handle.
        sock = conn.sock
        if stream:
            sock.settimeout(max(started + timeout - time.monotonic(), 0.001))
        resp = conn.getresponse()
        if stream:
            return read_stream(sock, resp, stream, started + timeout)
        data = resp.read().decode("utf-8", errors="replace")
        return outcome("ok", status=resp.status, headers={k.lower(): v for k, v in resp.getheaders()}, body=data)
    except ssl.SSLError as err:
        transport = classify_ssl_error(err)
        return cut(req, url, err) if transport == "connection_reset" else outcome(transport, str(err))
    except ConnectionRefusedError as err:
        return outcome("connect_refused", str(err))
    except (socket.timeout, TimeoutError) as err:
        return outcome("timeout", str(err))
    except (ConnectionResetError, BrokenPipeError, http.client.RemoteDisconnected) as err:
        return cut(req, url, err)
    except http.client.IncompleteRead as err:
        # The head arrived and the body was cut short (curl 18): a cut, not a TLS rejection, so no probe.
        return outcome("connection_reset", "body cut after %d bytes: %r" % (len(err.partial), err))
    except OSError as err:
        return outcome("connect_refused", str(err))
    finally:
        conn.close()


def main():
    req = json.load(sys.stdin)
    result = call(req)
    if req.get("stream") and "stream_end" not in result:
        result["stream_end"] = "error"  # the stream never started: no connection, no TLS, no response head
    json.dump(result, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
