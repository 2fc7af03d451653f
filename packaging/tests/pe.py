"""packaging/tests/pe.py FILE — checks the win32 cmdop-core's PE headers: a PE32+
console executable for x86-64 whose imports come only from Windows system
DLLs (the C runtime included), so it runs with nothing installed beside it.
Prints one summary line; exits 1 with the reason on the first failure.
Running it is the Wine tests' part (tests/wine/)."""
from __future__ import annotations

import struct
import sys

SYSTEM_DLLS = {"kernel32.dll", "ntdll.dll", "ws2_32.dll", "crypt32.dll", "bcrypt.dll", "advapi32.dll",
               "user32.dll", "iphlpapi.dll", "msvcrt.dll", "ucrtbase.dll", "secur32.dll", "shell32.dll",
               "ole32.dll", "userenv.dll", "normaliz.dll", "wldap32.dll", "mswsock.dll", "rpcrt4.dll"}


class Bad(Exception):
    pass


def check(path: str) -> str:
    d = open(path, "rb").read()
    if d[:2] != b"MZ":
        raise Bad("no MZ header")
    pe = struct.unpack("<I", d[0x3C:0x40])[0]
    if d[pe:pe + 4] != b"PE\0\0":
        raise Bad("no PE signature")
    machine, nsect, _t, _p, _n, opt_size, _ch = struct.unpack("<HHIIIHH", d[pe + 4:pe + 24])
    if machine != 0x8664:
        raise Bad(f"machine {machine:#x}, not x86-64")
    opt = pe + 24
    if struct.unpack("<H", d[opt:opt + 2])[0] != 0x20B:
        raise Bad("not PE32+")
    subsystem = struct.unpack("<H", d[opt + 68:opt + 70])[0]
    if subsystem != 3:
        raise Bad(f"subsystem {subsystem}, not a console program")
    imp_rva = struct.unpack("<I", d[opt + 120:opt + 124])[0]
    sects = []
    for i in range(nsect):
        s = opt + opt_size + 40 * i
        vsize, va, rawsize, rawptr = struct.unpack("<IIII", d[s + 8:s + 24])
        sects.append((va, max(vsize, rawsize), rawptr))

    def off(rva: int) -> int:
        for va, size, raw in sects:
            if va <= rva < va + size:
                return rva - va + raw
        raise Bad(f"RVA {rva:#x} outside every section")

    dlls, i = [], off(imp_rva)
    while True:
        name_rva = struct.unpack("<I", d[i + 12:i + 16])[0]
        if name_rva == 0:
            break
        o = off(name_rva)
        dlls.append(d[o:d.index(b"\0", o)].decode().lower())
        i += 20
    bad = [x for x in dlls if x not in SYSTEM_DLLS and not x.startswith("api-ms-win-")]
    if bad:
        raise Bad(f"imports from non-system DLLs: {', '.join(bad)}")
    return f"{path}: PE32+ x86-64 console executable; imports {', '.join(sorted(dlls))}"


if __name__ == "__main__":
    try:
        print(check(sys.argv[1]))
    except (Bad, struct.error, ValueError, IndexError) as e:
        print(f"{sys.argv[1]}: {e}", file=sys.stderr)
        sys.exit(1)
