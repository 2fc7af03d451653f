# packaging/static/lib/openssl.sh — sourced by deps.sh: libssl + libcrypto,
# static, trimmed to what a TLS 1.2/1.3 HTTPS client needs. Off: the
# command-line apps, docs, tests, engines and dynamic modules (so no
# providers are loaded from disk), the legacy provider, DTLS/SSLv3/QUIC,
# compression, the deprecated APIs, and the algorithms no TLS server offers
# a modern client (finite-field DH and DSA included: ECDHE and RSA/ECDSA
# certificates remain). The X25519MLKEM768 hybrid key exchange stays.
# Compiled with -Os: the hot paths (AES-GCM,
# ChaCha20-Poly1305, SHA-2, X25519, P-256) are assembly, unaffected.
# OPENSSLDIR is /etc/ssl on linux and darwin: curl falls back to OpenSSL's
# default verify paths (/etc/ssl/cert.pem, /etc/ssl/certs/), which
# SSL_CERT_FILE and SSL_CERT_DIR override.
OPENSSL_OPTS="no-shared no-module no-dso no-engine no-legacy no-apps no-docs no-tests
  no-ui-console no-autoload-config no-async no-dtls no-ssl3 no-quic no-sctp no-srtp no-comp
  no-ssl-trace no-srp no-gost no-idea no-seed no-camellia no-aria no-sm2 no-sm3 no-sm4
  no-whirlpool no-md4 no-mdc2 no-rc2 no-rc4 no-rc5 no-bf no-cast no-des no-ocsp no-cms
  no-ts no-cmp no-ct no-http no-rfc3779 no-lms no-slh-dsa no-ml-dsa no-ec2m no-siphash
  no-siv no-scrypt no-argon2 no-h3demo no-hqinterop no-demos no-unit-test no-uplink
  no-capieng no-weak-ssl-ciphers no-deprecated no-dsa no-dh no-ocb no-rmd160 no-blake2
  no-multiblock no-filenames no-tls-deprecated-ec no-sm2-precomp no-padlockeng"

build_openssl() {
  local src=$SRC_DIR/openssl-3.6.3/openssl cfg dir=(--openssldir=/etc/ssl) cflags=${DEP_CFLAGS/-O2/-Os}
  # darwin: no CommonCrypto headers in the cross toolchain; the seed then
  # comes from /dev/urandom (providers/.../rand_unix.c), as on other Unixes.
  [ "$OS" = darwin ] && cflags="$cflags -DOPENSSL_NO_APPLE_CRYPTO_RANDOM"
  case "$T" in
    linux-x64) cfg=linux-x86_64 ;;
    linux-arm64) cfg=linux-aarch64 ;;
    darwin-x64) cfg=darwin64-x86_64-cc ;;
    darwin-arm64) cfg=darwin64-arm64-cc ;;
    win32-x64) cfg=mingw64 dir=() ;;
  esac
  mkdir -p "$WORK/openssl" && cd "$WORK/openssl"
  # shellcheck disable=SC2086
  CC=$CC AR=$AR RANLIB=$RANLIB CFLAGS="$cflags" \
    perl "$src/Configure" "$cfg" $OPENSSL_OPTS --prefix="$PREFIX" --libdir=lib "${dir[@]}" >config.log 2>&1 ||
    { tail -n 30 config.log >&2; die "openssl Configure failed for $T"; }
  make -s -j"$JOBS" build_libs >build.log 2>&1 || { tail -n 40 build.log >&2; die "openssl build failed for $T"; }
  make -s install_dev >>build.log 2>&1 || { tail -n 20 build.log >&2; die "openssl install failed for $T"; }
}
