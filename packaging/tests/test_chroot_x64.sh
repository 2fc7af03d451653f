#!/usr/bin/env bash
# The linux-x64 core in an empty chroot (the binary is the only file in it):
# --version names every linked library at its pinned version; `relay --port 0`
# serves the seeded machines to the host's curl; and, run in that chroot by a
# wrapper named in CMDOP_CORE_BINARY, the core serves the whole Python
# quickstart over --stdio (unary calls, ask with PIN and confirm) to the
# installed wheel; then HTTPS through the trimmed OpenSSL finds its CA at
# OpenSSL's default paths in the chroot. Needs root (CI runs as root).
. "$(dirname "$0")/lib.sh"
want linux-x64
[ "$(id -u)" -eq 0 ] || fail "needs root for chroot"
work=$(mktemp -d)
RELAY_PID=""
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; rm -rf "$work"' EXIT

root=$work/root
mkdir -p "$root"
cp "$(core_path linux-x64)" "$root/cmdop-core"
[ "$(cd "$root" && find . -mindepth 1 | wc -l)" -eq 1 ] || fail "the chroot holds more than the core"
chroot=$(command -v chroot) || fail "chroot not found"
IN_ROOT=(env -i "$chroot" "$root" /cmdop-core)

check_versions "$("${IN_ROOT[@]}" --version)" mimalloc
start_relay "$work" "${IN_ROOT[@]}" relay --port 0 --token T --api-key K
[ "$(json_field "$RELAY_LINE" token)" = T ] || fail "relay line: $RELAY_LINE"
check_seeded_machines "$RELAY_LINE"

install_wheel "$work"
# The client passes its CMDOP_* settings in the environment; chroot keeps it.
cat >"$work/core-chroot" <<WRAP
#!/bin/sh
echo "\$\$ \$*" >>"$work/core-chroot.ran"
exec $chroot "$root" /cmdop-core "\$@"
WRAP
chmod +x "$work/core-chroot"
run_python_quickstart "$work" CMDOP_CORE_BINARY="$work/core-chroot"
grep -q -- '--stdio' "$work/core-chroot.ran" 2>/dev/null || fail "the chrooted core was never spawned"
stop_relay

# TLS through the trimmed OpenSSL with no CA setting at all: a local
# `openssl s_server -www` with a self-signed certificate, trusted only when
# the chroot holds it where OpenSSL looks by default (OPENSSLDIR=/etc/ssl:
# cert.pem, then the hashed certs/). The server answers HTML, so a completed
# handshake shows as a decode error; an untrusted one as TLSError.
command -v openssl >/dev/null || fail "openssl (the command) not found"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/key.pem" \
  -out "$work/cert.pem" -days 2 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 2>/dev/null ||
  fail "openssl req failed"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
openssl s_server -accept "127.0.0.1:$port" -cert "$work/cert.pem" -key "$work/key.pem" -www -quiet \
  >"$work/s_server.log" 2>&1 &
TLS_PID=$!
trap '[ -n "$RELAY_PID" ] && kill "$RELAY_PID" 2>/dev/null; kill "$TLS_PID" 2>/dev/null; rm -rf "$work"' EXIT
cat >"$work/tls.py" <<'PY'
import asyncio, cmdop
async def main() -> None:
    async with cmdop.Client(token="T") as c:
        try:
            await c.machines.list()
            print("unexpected success")
        except cmdop.TLSError:
            print("tls-error")
        except cmdop.CmdopError as e:
            print("handshake-ok" if "not JSON" in str(e) else f"other: {e}")
asyncio.run(main())
PY
tls_try() { # expected outcome
  local got
  got=$(env -u CURL_CA_BUNDLE -u SSL_CERT_FILE -u SSL_CERT_DIR -u CMDOP_CA_FILE CMDOP_CORE_BINARY="$work/core-chroot" \
    CMDOP_BASE_URL="https://127.0.0.1:$port" CMDOP_API_BASE_URL="https://127.0.0.1:$port" \
    timeout 120 "$work/venv/bin/python" "$work/tls.py" 2>&1 | tail -n 1)
  [ "$got" = "$1" ] || fail "TLS with $2: wanted $1, got: $got"
}
for i in $(seq 50); do curl -sk --max-time 1 "https://127.0.0.1:$port/" >/dev/null 2>&1 && break; sleep 0.1; done
tls_try tls-error "no CA in the chroot"
mkdir -p "$root/etc/ssl/certs"
cp "$work/cert.pem" "$root/etc/ssl/cert.pem"
tls_try handshake-ok "the CA in /etc/ssl/cert.pem"
rm "$root/etc/ssl/cert.pem"
cp "$work/cert.pem" "$root/etc/ssl/certs/$(openssl x509 -hash -noout -in "$work/cert.pem").0"
tls_try handshake-ok "the CA in /etc/ssl/certs/ (hashed)"
