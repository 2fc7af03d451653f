"""Loopback test servers for the network guarantees (docs/runtime.md "TLS",
"Proxies"). Tests only: the shipped core gains no TLS server.

  make_ca(dir)             a throwaway CA and a server certificate for
                           127.0.0.1/localhost, made with the openssl CLI
  TLSFront(cert, key, up)  TLS on a loopback port, each connection piped to
                           the plain-HTTP upstream (the relay); counts accepts;
                           legacy=True: TLS 1.0/1.1 only
  LoggingProxy()           an HTTP proxy (absolute-form requests and CONNECT)
                           that logs what it forwards, with the
                           Authorization header's presence
  Redirector(location)     answers every request 302 Location: <location>
  Recorder(body="{}")      answers 200 `body` and records each request's headers
Each runs in a daemon thread; .port is its port, .close() stops it.
"""
from __future__ import annotations

import os
import socket
import ssl
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_ca(d: str) -> dict[str, str]:
    """ca.pem, server.pem and server.key in d (openssl CLI, 2048-bit RSA)."""
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)
    p = {k: os.path.join(d, k) for k in ("ca.pem", "ca.key", "server.pem", "server.key",
                                         "server.csr", "ext.cnf")}
    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
        "/CN=cmdop test CA", "-keyout", p["ca.key"], "-out", p["ca.pem"])
    run("req", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=127.0.0.1",
        "-keyout", p["server.key"], "-out", p["server.csr"])
    with open(p["ext.cnf"], "w") as f:
        f.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                "basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\n"
                "extendedKeyUsage=serverAuth\n")
    run("x509", "-req", "-in", p["server.csr"], "-CA", p["ca.pem"], "-CAkey", p["ca.key"],
        "-CAcreateserial", "-days", "2", "-extfile", p["ext.cnf"], "-out", p["server.pem"])
    return p


def _pipe(a: socket.socket, b: socket.socket) -> None:
    try:
        while data := a.recv(65536):
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class _Listener:
    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.closed = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def _accept_loop(self) -> None:
        while not self.closed:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.handle, args=(conn,), daemon=True).start()

    def handle(self, conn: socket.socket) -> None:
        raise NotImplementedError

    def close(self) -> None:
        self.closed = True
        self.sock.close()


class TLSFront(_Listener):
    """TLS (1.2+) on loopback, piped to 127.0.0.1:upstream. `accepts` counts TCP
    connections, `handshakes` the ones whose TLS handshake succeeded. With
    `legacy` the front speaks ONLY TLS 1.0 and 1.1 (OpenSSL security level 0),
    the server a client with a TLS 1.2 floor must refuse."""

    def __init__(self, cert: str, key: str, upstream: int, legacy: bool = False) -> None:
        self.ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        if legacy:
            self.ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
            self.ctx.minimum_version = ssl.TLSVersion.TLSv1
            self.ctx.maximum_version = ssl.TLSVersion.TLSv1_1
        else:
            self.ctx.minimum_version = ssl.TLSVersion.TLSv1_2
        self.ctx.load_cert_chain(cert, key)
        self.upstream, self.accepts, self.handshakes = upstream, 0, 0
        self.lock = threading.Lock()
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        with self.lock:
            self.accepts += 1
        try:
            tls = self.ctx.wrap_socket(conn, server_side=True)
        except (OSError, ssl.SSLError):
            conn.close()
            return
        with self.lock:
            self.handshakes += 1
        up = socket.create_connection(("127.0.0.1", self.upstream))
        threading.Thread(target=_pipe, args=(up, tls), daemon=True).start()
        _pipe(tls, up)


class LoggingProxy(_Listener):
    """Forwards absolute-form HTTP requests and CONNECT tunnels; `log` holds one
    line per request: "GET http://h:p/path auth=yes|no" or "CONNECT h:p"."""

    def __init__(self) -> None:
        self.log: list[str] = []
        super().__init__()

    def handle(self, conn: socket.socket) -> None:
        f = conn.makefile("rb")
        try:
            head = f.readline().decode("latin-1").rstrip("\r\n")
            headers = []
            while (line := f.readline()) not in (b"\r\n", b"\n", b""):
                headers.append(line.decode("latin-1"))
            method, target, _ = head.split(" ", 2)
            if method == "CONNECT":
                self.log.append(f"CONNECT {target}")
                host, port = target.rsplit(":", 1)
                up = socket.create_connection((host, int(port)))
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                threading.Thread(target=_pipe, args=(up, conn), daemon=True).start()
                _pipe(conn, up)
                return
            auth = any(h.lower().startswith("authorization:") for h in headers)
            self.log.append(f"{method} {target} auth={'yes' if auth else 'no'}")
            rest = target.split("://", 1)[1]
            hostport, _, path = rest.partition("/")
            host, _, port = hostport.partition(":")
            up = socket.create_connection((host, int(port or 80)))
            length = 0
            out = [f"{method} /{path} HTTP/1.1\r\n"]
            for h in headers:
                name = h.split(":", 1)[0].lower()
                if name in ("proxy-connection", "connection", "keep-alive"):
                    continue
                if name == "content-length":
                    length = int(h.split(":", 1)[1])
                out.append(h)
            out.append("Connection: close\r\n\r\n")
            up.sendall("".join(out).encode("latin-1") + (f.read(length) if length else b""))
            while data := up.recv(65536):
                conn.sendall(data)
            up.close()
        except (OSError, ValueError):
            pass
        finally:
            conn.close()


class _HTTP:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Recorder(_HTTP):
    """200 `body` (JSON text, default {}) to everything; `requests` holds
    (method, path, headers dict). A hostile server when `body` has the wrong
    shape (docs/reliability.md "Responses: strict decoding")."""

    def __init__(self, body: str = "{}") -> None:
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        rec = self.requests
        answer = body.encode()

        class H(BaseHTTPRequestHandler):
            def _any(self) -> None:
                rec.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}))
                body = answer
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any

            def log_message(self, *a: object) -> None:
                pass
        super().__init__(H)


class Redirector(_HTTP):
    """302 Location: `location` + the request's path, to everything."""

    def __init__(self, location: str) -> None:
        class H(BaseHTTPRequestHandler):
            def _any(self) -> None:
                self.send_response(302)
                self.send_header("Location", location + self.path)
                self.send_header("Content-Length", "0")
                self.end_headers()

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any

            def log_message(self, *a: object) -> None:
                pass
        super().__init__(H)


class BigBody(_HTTP):
    """200 with a JSON body of `size` bytes to everything."""

    def __init__(self, size: int) -> None:
        class H(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(size))
                self.end_headers()
                chunk = b" " * 65536
                left = size
                try:
                    while left > 0:
                        n = min(left, len(chunk))
                        self.wfile.write(chunk[:n])
                        left -= n
                except OSError:
                    pass

            def log_message(self, *a: object) -> None:
                pass
        super().__init__(H)
