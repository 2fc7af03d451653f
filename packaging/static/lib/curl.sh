# packaging/static/lib/curl.sh — sourced by deps.sh: libcurl, static, HTTP
# and HTTPS only (HTTP/1.1; no HTTP/2: the core's streams are long-lived
# HTTP/1.1 responses, and nghttp2 would add a library for nothing it uses),
# on the OpenSSL from lib/openssl.sh. No compression, IDN, PSL, SSH,
# Kerberos, LDAP, NTLM or Digest, and none of the HTTP features the runtime
# never asks for (cookies, MIME/forms, netrc, DoH, alt-svc, HSTS); the
# runtime's calls are in runtime/src/http_*.c, net.c and bot_http.c. CA certificates: no bundle path is compiled in;
# on linux and darwin curl falls back to OpenSSL's default paths (see
# lib/openssl.sh), on win32 it reads the Windows certificate store.
build_curl() {
  # CURL_SOCKET_HASH_TABLE_SIZE: libcurl finds a socket's transfers in a
  # hash of 911 slots by default; with thousands of streams on one multi
  # handle every socket event walked chains of ~10 (7% of the core's CPU at
  # 10,000 streams, docs/performance.md). 4099 slots (a prime, 32 KiB per
  # multi handle, allocated on first use) keep the chains short.
  local src=$SRC_DIR/curl-8.22.0/curl extra=() cflags="$DEP_CFLAGS -DCURL_SOCKET_HASH_TABLE_SIZE=4099"
  case "$OS" in
    darwin)
      # patches/curl-macos-copyproxies.patch: no SystemConfiguration call, so
      # no framework is linked; the framework checks get a placeholder.
      cflags="$cflags -DCURL_NO_MACOS_COPYPROXIES"
      extra=(-DSYSTEMCONFIGURATION_FRAMEWORK=unused -DCOREFOUNDATION_FRAMEWORK=unused
        -DCORESERVICES_FRAMEWORK=unused -DCURL_CA_FALLBACK=ON) ;;
    linux) extra=(-DCURL_CA_FALLBACK=ON) ;;
    win32) extra=(-DCURL_CA_NATIVE=ON -DCURL_TARGET_WINDOWS_VERSION=0x0A00) ;;
  esac
  # No perl for CMake: the crate carries no docs/ tree, which it adds then.
  DEP_CFLAGS=$cflags run_cmake "$WORK/curl" "$src" \
    -DBUILD_STATIC_LIBS=ON -DBUILD_CURL_EXE=OFF -DBUILD_TESTING=OFF -DBUILD_EXAMPLES=OFF \
    -DBUILD_LIBCURL_DOCS=OFF -DBUILD_MISC_DOCS=OFF -DENABLE_CURL_MANUAL=OFF \
    -DCURL_USE_PKGCONFIG=OFF -DPICKY_COMPILER=OFF -DHTTP_ONLY=ON \
    -DCMAKE_DISABLE_FIND_PACKAGE_Perl=ON \
    -DCURL_USE_OPENSSL=ON -DOPENSSL_ROOT_DIR="$PREFIX" -DOPENSSL_USE_STATIC_LIBS=ON \
    -DCURL_DISABLE_OPENSSL_AUTO_LOAD_CONFIG=ON \
    -DCURL_CA_BUNDLE=none -DCURL_CA_PATH=none \
    -DCURL_ZLIB=OFF -DCURL_BROTLI=OFF -DCURL_ZSTD=OFF -DUSE_NGHTTP2=OFF -DUSE_NGTCP2=OFF \
    -DUSE_LIBIDN2=OFF -DUSE_WIN32_IDN=OFF -DUSE_APPLE_IDN=OFF -DCURL_USE_LIBPSL=OFF \
    -DCURL_USE_LIBSSH2=OFF -DCURL_USE_LIBSSH=OFF -DCURL_USE_GSSAPI=OFF -DUSE_LIBRTMP=OFF \
    -DCURL_DISABLE_LDAP=ON -DCURL_DISABLE_LDAPS=ON -DCURL_ENABLE_NTLM=OFF \
    -DCURL_DISABLE_KERBEROS_AUTH=ON -DCURL_DISABLE_NEGOTIATE_AUTH=ON -DCURL_DISABLE_AWS=ON \
    -DCURL_DISABLE_COOKIES=ON -DCURL_DISABLE_MIME=ON -DCURL_DISABLE_FORM_API=ON \
    -DCURL_DISABLE_NETRC=ON -DCURL_DISABLE_DOH=ON -DCURL_DISABLE_ALTSVC=ON -DCURL_DISABLE_HSTS=ON \
    -DCURL_DISABLE_GETOPTIONS=ON -DCURL_DISABLE_PROGRESS_METER=ON -DCURL_DISABLE_DIGEST_AUTH=ON \
    -DCURL_DISABLE_SHA512_256=ON -DCURL_DISABLE_IPFS=ON -DCURL_DISABLE_BINDLOCAL=ON \
    -DENABLE_ARES=OFF -DENABLE_THREADED_RESOLVER=ON "${extra[@]}"
}
