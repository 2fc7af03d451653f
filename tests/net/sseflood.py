"""A fast SSE server for the bounded-memory guarantee (docs/reliability.md
"Bounded memory"). Tests only. The local relay caps its streams, so this one
stands in: every POST .../ask is answered 200 text/event-stream with `frames`
event frames (`id: flood.<seq>`, payload {"n": <seq>} plus `pad` bytes of
padding in "p" when pad > 0) written as fast as the socket takes them, then a
done frame, then the connection closes.

  Flood(frames, pad=0)  on a loopback port; .port, .sent (frames written so
                        far), .requests (POSTs seen), .close()
Run as a script (`python sseflood.py FRAMES [PAD]`) it prints its port and
serves until killed.
"""
from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_BATCH = 2000  # frames per socket write: the server must outrun any reader


def frame(seq: int, pad: str = "") -> bytes:
    p = f',"p":"{pad}"' if pad else ""
    return (f'id: flood.{seq}\nevent: event\n'
            f'data: {{"type":"event","event_type":1,"payload":{{"n":{seq}{p}}}}}\n\n').encode()


class Flood:
    def __init__(self, frames: int, pad: int = 0) -> None:
        self.frames, self.sent, self.requests = frames, 0, 0
        padding = "x" * pad
        outer = self

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"  # the body ends when the connection closes

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.requests += 1
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                seq = 1
                try:
                    while seq <= outer.frames:
                        end = min(seq + _BATCH, outer.frames + 1)
                        self.wfile.write(b"".join(frame(i, padding) for i in range(seq, end)))
                        outer.sent = end - 1
                        seq = end
                    self.wfile.write(
                        f'id: flood.{seq}\nevent: done\ndata: {{"type":"done","success":true,'
                        f'"text":"flood","error":"","duration_ms":0}}\n\n'.encode())
                    self.wfile.flush()
                except OSError:
                    pass  # the client went away

            def log_message(self, *a: object) -> None:
                pass

        self._srv = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self._srv.daemon_threads = True
        self.port = self._srv.server_address[1]
        threading.Thread(target=self._srv.serve_forever, daemon=True).start()

    def close(self) -> None:
        self._srv.shutdown()
        self._srv.server_close()


if __name__ == "__main__":
    f = Flood(int(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    print(f.port, flush=True)
    threading.Event().wait()
