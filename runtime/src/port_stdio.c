/* port_stdio.c — the process's stdio and signals; see port.h. */
#include "port.h"

#ifndef _WIN32

#include <signal.h>
#include <unistd.h>

int cmdop__port_stdio_take_stdout(void)
{
    int out = dup(1);
    if (out < 0 || dup2(2, 1) < 0)
        return -1;
    return out;
}

void cmdop__port_ignore_sigpipe(void)
{
    signal(SIGPIPE, SIG_IGN);
}

static sigset_t stop_set;

int cmdop__port_stop_signals_block(void)
{
    sigemptyset(&stop_set);
    sigaddset(&stop_set, SIGTERM);
    sigaddset(&stop_set, SIGINT);
    return pthread_sigmask(SIG_BLOCK, &stop_set, NULL) == 0 ? 0 : -1;
}

int cmdop__port_stop_signals_wait(void)
{
    int sig;
    return sigwait(&stop_set, &sig) == 0 ? 0 : -1;
}

#else /* _WIN32 */

#include <fcntl.h>
#include <io.h>
#include <windows.h>

int cmdop__port_stdio_take_stdout(void)
{
    if (_setmode(0, _O_BINARY) < 0)
        return -1;
    int out = _dup(1);
    /* _dup2 onto 0..2 also repoints the process's standard handle, so
     * GetStdHandle(STD_OUTPUT_HANDLE) writers reach stderr too */
    if (out < 0 || _setmode(out, _O_BINARY) < 0 || _dup2(2, 1) < 0)
        return -1;
    return out;
}

void cmdop__port_ignore_sigpipe(void)
{
    /* no SIGPIPE: a write to a closed pipe fails with EPIPE/EINVAL */
}

static HANDLE stop_event;

static BOOL WINAPI on_ctrl(DWORD type)
{
    (void)type;   /* Ctrl+C, Ctrl+Break, close, logoff, shutdown: all stop */
    SetEvent(stop_event);
    return TRUE;
}

int cmdop__port_stop_signals_block(void)
{
    stop_event = CreateEventA(NULL, TRUE, FALSE, NULL);
    if (!stop_event || !SetConsoleCtrlHandler(on_ctrl, TRUE))
        return -1;
    return 0;
}

int cmdop__port_stop_signals_wait(void)
{
    return WaitForSingleObject(stop_event, INFINITE) == WAIT_OBJECT_0 ? 0 : -1;
}

#endif
