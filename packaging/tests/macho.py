"""packaging/tests/macho.py FILE ARCH — checks a darwin cmdop-core without a Mac:
the Mach-O header and load commands, and the code signature's hashes.

  - a 64-bit little-endian MH_EXECUTE (PIE) for ARCH (x64 or arm64), with an
    entry point (LC_MAIN);
  - minimum macOS 11.0 or lower in LC_BUILD_VERSION (platform macOS);
  - the linked dylibs are /usr/lib/libSystem.B.dylib and allowed system
    frameworks only (nothing from Homebrew, /usr/local, @rpath, ...);
  - arm64 (which macOS runs only signed): an LC_CODE_SIGNATURE whose
    SuperBlob holds a SHA-256 CodeDirectory flagged ad hoc, covering the file
    up to the signature, with every page hash and the requirements slot
    matching the bytes. x64 may be unsigned; a signature there is checked too.

Not checked (needs macOS): that the kernel, amfid and dyld accept and run it.
Prints one summary line; exits 1 with the reason on the first failure."""
from __future__ import annotations

import hashlib
import struct
import sys

CPU = {"x64": 0x01000007, "arm64": 0x0100000C}
LC_MAIN, LC_BUILD_VERSION, LC_VERSION_MIN_MACOSX, LC_CODE_SIGNATURE = 0x80000028, 0x32, 0x24, 0x1D
DYLIB_CMDS = {0xC: "LC_LOAD_DYLIB", 0x80000018: "LC_LOAD_WEAK_DYLIB",
              0x8000001F: "LC_REEXPORT_DYLIB", 0x20: "LC_LAZY_LOAD_DYLIB", 0x80000023: "LC_LOAD_UPWARD_DYLIB"}
ALLOWED_FRAMEWORKS = ("CoreFoundation", "Security", "SystemConfiguration", "CoreServices")
MIN_OS = (11, 0, 0)
CS_ADHOC = 0x2


class Bad(Exception):
    pass


def version(v: int) -> tuple[int, int, int]:
    return (v >> 16, (v >> 8) & 0xFF, v & 0xFF)


def allowed_dylib(name: str) -> bool:
    if name == "/usr/lib/libSystem.B.dylib":
        return True
    return any(name == f"/System/Library/Frameworks/{f}.framework/Versions/A/{f}" for f in ALLOWED_FRAMEWORKS)


def check_signature(data: bytes, dataoff: int, datasize: int) -> str:
    sig = data[dataoff:dataoff + datasize]
    if len(sig) < 12:
        raise Bad("code signature lies outside the file")
    magic, _length, count = struct.unpack(">III", sig[:12])
    if magic != 0xFADE0CC0:
        raise Bad(f"code signature SuperBlob magic {magic:#x}")
    blobs = {}
    for i in range(count):
        btype, boff = struct.unpack(">II", sig[12 + 8 * i:20 + 8 * i])
        blen = struct.unpack(">I", sig[boff + 4:boff + 8])[0]
        blobs[btype] = sig[boff:boff + blen]
    cd = blobs.get(0)
    if cd is None or struct.unpack(">I", cd[:4])[0] != 0xFADE0C02:
        raise Bad("no CodeDirectory in the signature")
    (_m, _l, _ver, flags, hash_off, ident_off, n_special, n_code, code_limit, hash_size, hash_type,
     _platform, page_log2) = struct.unpack(">IIIIIIIIIBBBB", cd[:40])
    if not flags & CS_ADHOC:
        raise Bad(f"CodeDirectory flags {flags:#x}: not ad hoc")
    if hash_type != 2 or hash_size != 32:
        raise Bad(f"CodeDirectory hash type {hash_type} size {hash_size}: not SHA-256")
    if code_limit != dataoff:
        raise Bad(f"signature covers {code_limit} bytes, the code ends at {dataoff}")
    page = 1 << page_log2
    if n_code != (code_limit + page - 1) // page:
        raise Bad(f"{n_code} page hashes for {code_limit} bytes of {page}-byte pages")
    for i in range(n_code):
        want = cd[hash_off + i * hash_size:hash_off + (i + 1) * hash_size]
        got = hashlib.sha256(data[i * page:min((i + 1) * page, code_limit)]).digest()
        if got != want:
            raise Bad(f"page hash {i} (file offset {i * page:#x}) does not match the bytes")
    if n_special >= 2:  # slot -2: the requirements blob (type 2), or zeros when absent
        want = cd[hash_off - 2 * hash_size:hash_off - hash_size]
        got = hashlib.sha256(blobs[2]).digest() if 2 in blobs else bytes(hash_size)
        if got != want:
            raise Bad("requirements slot hash does not match")
    ident = cd[ident_off:cd.index(b"\0", ident_off)].decode()
    return f"ad-hoc SHA-256 signature, {n_code} pages of {page} bytes, identifier {ident!r}"


def check(path: str, arch: str) -> str:
    data = open(path, "rb").read()
    magic, cputype, _sub, filetype, ncmds, _size, flags, _res = struct.unpack("<IIIIIIII", data[:32])
    if magic != 0xFEEDFACF:
        raise Bad(f"not a 64-bit little-endian Mach-O (magic {magic:#x})")
    if cputype != CPU[arch]:
        raise Bad(f"CPU type {cputype:#x}, wanted {arch} ({CPU[arch]:#x})")
    if filetype != 2:
        raise Bad(f"file type {filetype}, not MH_EXECUTE")
    if not flags & 0x200000:
        raise Bad("not position-independent (MH_PIE)")
    off, minos, dylibs, sig, has_main = 32, None, [], None, False
    for _ in range(ncmds):
        cmd, cmdsize = struct.unpack("<II", data[off:off + 8])
        if cmd == LC_BUILD_VERSION:
            plat, mn = struct.unpack("<II", data[off + 8:off + 16])
            if plat != 1:
                raise Bad(f"LC_BUILD_VERSION platform {plat}, not macOS")
            minos = version(mn)
        elif cmd == LC_VERSION_MIN_MACOSX:
            minos = version(struct.unpack("<I", data[off + 8:off + 12])[0])
        elif cmd in DYLIB_CMDS:
            name_off = struct.unpack("<I", data[off + 8:off + 12])[0]
            raw = data[off + name_off:off + cmdsize]
            dylibs.append(raw[:raw.index(b"\0")].decode())
        elif cmd == LC_CODE_SIGNATURE:
            sig = struct.unpack("<II", data[off + 8:off + 16])
        elif cmd == LC_MAIN:
            has_main = True
        off += cmdsize
    if not has_main:
        raise Bad("no LC_MAIN entry point")
    if minos is None:
        raise Bad("no minimum OS version (LC_BUILD_VERSION / LC_VERSION_MIN_MACOSX)")
    if minos > MIN_OS:
        raise Bad(f"minimum macOS {'.'.join(map(str, minos))}, above 11.0")
    bad = [d for d in dylibs if not allowed_dylib(d)]
    if bad or "/usr/lib/libSystem.B.dylib" not in dylibs:
        raise Bad(f"linked dylibs {dylibs}: only libSystem and {', '.join(ALLOWED_FRAMEWORKS)} are allowed")
    if sig is None:
        if arch == "arm64":
            raise Bad("arm64 binary has no code signature (macOS refuses to run it)")
        signed = "unsigned"
    else:
        signed = check_signature(data, *sig)
    return (f"{path}: Mach-O {arch} executable, macOS >= {'.'.join(map(str, minos))}, "
            f"dylibs {', '.join(dylibs)}; {signed}")


if __name__ == "__main__":
    try:
        print(check(sys.argv[1], sys.argv[2]))
    except (Bad, struct.error, ValueError, IndexError) as e:
        print(f"{sys.argv[1]}: {e}", file=sys.stderr)
        sys.exit(1)
