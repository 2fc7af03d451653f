/* port_file.c — private files and directories for the core's logs; see port.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "port.h"

#ifndef _WIN32

#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

int cmdop__port_open_private(const char *path, bool exclusive)
{
    int flags = O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC |
                (exclusive ? O_EXCL : 0);
    int fd = open(path, flags, 0600);
    struct stat st;
    /* a FIFO or device could block or leak: a regular file only */
    if (fd >= 0 && (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        close(fd);
        fd = -1;
        errno = EINVAL;
    }
    return fd;
}

int cmdop__port_private_dir(const char *xdg, const char *tmpdir, char *dir, size_t size)
{
    if (xdg && *xdg == '/') {
        snprintf(dir, size, "%s/cmdop", xdg);
        if (mkdir(dir, 0700) == 0 || errno == EEXIST) {
            struct stat st;
            /* ours, a real directory (not a symlink), closed to others */
            if (lstat(dir, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
                (st.st_mode & 077) == 0)
                return 0;
        }
    }
    snprintf(dir, size, "%s/cmdop-XXXXXX", tmpdir && *tmpdir == '/' ? tmpdir : "/tmp");
    return mkdtemp(dir) ? 0 : -1;   /* mkdtemp creates it 0700 */
}

#else /* _WIN32 */

#include <fcntl.h>
#include <io.h>
#include <stdlib.h>
#include <windows.h>
#include <sddl.h>

/* A security descriptor whose protected DACL grants the current user alone
 * full access (the 0600/0700 of POSIX): LocalFree it. NULL on failure. */
static PSECURITY_DESCRIPTOR owner_only(void)
{
    HANDLE tok;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &tok))
        return NULL;
    union {
        TOKEN_USER tu;
        char raw[256];
    } u;
    DWORD len = 0;
    char *sid = NULL;
    PSECURITY_DESCRIPTOR sd = NULL;
    if (GetTokenInformation(tok, TokenUser, &u, sizeof u, &len) &&
        ConvertSidToStringSidA(u.tu.User.Sid, &sid)) {
        char sddl[256];
        snprintf(sddl, sizeof sddl, "D:P(A;;FA;;;%s)", sid);
        if (!ConvertStringSecurityDescriptorToSecurityDescriptorA(sddl, SDDL_REVISION_1, &sd,
                                                                  NULL))
            sd = NULL;
        LocalFree(sid);
    }
    CloseHandle(tok);
    return sd;
}

static int errno_of(DWORD e)
{
    switch (e) {
    case ERROR_FILE_EXISTS:
    case ERROR_ALREADY_EXISTS:
        return EEXIST;
    case ERROR_ACCESS_DENIED:
        return EACCES;
    case ERROR_PATH_NOT_FOUND:
    case ERROR_FILE_NOT_FOUND:
        return ENOENT;
    default:
        return EIO;
    }
}

int cmdop__port_open_private(const char *path, bool exclusive)
{
    SECURITY_ATTRIBUTES sa = {sizeof sa, owner_only(), FALSE};
    if (!sa.lpSecurityDescriptor) {
        errno = EACCES;
        return -1;
    }
    /* FILE_FLAG_OPEN_REPARSE_POINT opens a symlink itself instead of its
     * target, so the check below refuses it (O_NOFOLLOW's role) */
    HANDLE h = CreateFileA(path, FILE_APPEND_DATA, FILE_SHARE_READ | FILE_SHARE_WRITE, &sa,
                           exclusive ? CREATE_NEW : OPEN_ALWAYS,
                           FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT, NULL);
    DWORD err = GetLastError();
    LocalFree(sa.lpSecurityDescriptor);
    if (h == INVALID_HANDLE_VALUE) {
        errno = errno_of(err);
        return -1;
    }
    BY_HANDLE_FILE_INFORMATION fi;
    if (GetFileType(h) != FILE_TYPE_DISK || !GetFileInformationByHandle(h, &fi) ||
        (fi.dwFileAttributes & (FILE_ATTRIBUTE_REPARSE_POINT | FILE_ATTRIBUTE_DIRECTORY))) {
        CloseHandle(h);
        errno = EINVAL;
        return -1;
    }
    int fd = _open_osfhandle((intptr_t)h, _O_WRONLY | _O_APPEND | _O_BINARY);
    if (fd < 0)
        CloseHandle(h);
    return fd;
}

static bool absolute(const char *p)
{
    return p && (p[0] == '/' || p[0] == '\\' ||
                 (((p[0] | 0x20) >= 'a' && (p[0] | 0x20) <= 'z') && p[1] == ':'));
}

int cmdop__port_private_dir(const char *xdg, const char *tmpdir, char *dir, size_t size)
{
    (void)xdg;   /* no XDG runtime directory on Windows */
    char base[MAX_PATH + 1];
    if (absolute(tmpdir)) {
        snprintf(base, sizeof base, "%s", tmpdir);
    } else {
        DWORD n = GetTempPathA(sizeof base, base);
        if (n == 0 || n >= sizeof base) {
            errno = ENOENT;
            return -1;
        }
    }
    size_t bl = strlen(base);
    while (bl > 0 && (base[bl - 1] == '\\' || base[bl - 1] == '/'))
        base[--bl] = '\0';
    /* the base's own separator: a TMPDIR written with '/' stays so */
    char sep = strchr(base, '\\') ? '\\' : '/';
    static const char alnum[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    for (int attempt = 0; attempt < 100; attempt++) {
        unsigned char r[6];
        if (cmdop__port_random(r, sizeof r) != 0) {
            errno = EIO;
            return -1;
        }
        char suffix[7];
        for (int i = 0; i < 6; i++)
            suffix[i] = alnum[r[i] % 36];
        suffix[6] = '\0';
        snprintf(dir, size, "%s%ccmdop-%s", base, sep, suffix);
        SECURITY_ATTRIBUTES sa = {sizeof sa, owner_only(), FALSE};
        if (!sa.lpSecurityDescriptor) {
            errno = EACCES;
            return -1;
        }
        BOOL ok = CreateDirectoryA(dir, &sa);
        DWORD err = GetLastError();
        LocalFree(sa.lpSecurityDescriptor);
        if (ok)
            return 0;
        if (err != ERROR_ALREADY_EXISTS) {
            errno = errno_of(err);
            return -1;
        }
    }
    errno = EEXIST;
    return -1;
}

#endif
