# ivfsp's ATC watchdog, run as: python3 -I -S -c "<this script>" COMMAND [ARG]...  (Python 3.5 or later)
#
# Like atc-watchdog.sh (the fallback where python3 is missing), it runs COMMAND in a session of its
# own and kills it with everything it started as soon as this process's standard input (a pipe from
# the JVM that nobody writes) reaches end of file: when the JVM closes it or dies, even by kill -9.
# It is also a child subreaper, so a descendant that leaves COMMAND's process group (setsid, a
# daemon's double fork) is re-parented here, not to init, and is found by walking /proc from here.
# When COMMAND ends by itself, what is left below this process is killed too; the exit status is
# COMMAND's (128 + the signal's number when a signal ended it, as a shell reports it).
# Only os, sys and _thread (and ctypes): subprocess alone would more than double the start-up time.
import _thread
import os
import sys

PR_SET_CHILD_SUBREAPER = 36
SIGKILL = 9
# Signals Python ignores, which ATC must get at their defaults, as from a shell (same numbers on
# x86_64 and aarch64).
SIGPIPE = 13
SIGXFSZ = 25
SIG_DFL = 0
libc = None


def descendants():
    """Process ids below this process, from the parent links in /proc."""
    children = {}
    for name in os.listdir('/proc'):
        if not name.isdigit():
            continue
        try:
            with open('/proc/' + name + '/stat', 'rb') as f:
                stat = f.read(4096)
        except OSError:
            continue
        fields = stat[stat.rfind(b')') + 2:].split()
        if len(fields) > 1:
            children.setdefault(int(fields[1]), []).append(int(name))
    found, todo = [], [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), ()):
            found.append(child)
            todo.append(child)
    return found


def kill_all(group):
    # COMMAND's group first, at once, while COMMAND is not yet reaped (its id cannot be reused then).
    if group is not None:
        for target in (-group, group):
            try:
                os.kill(target, SIGKILL)
            except OSError:
                pass
    for pid in descendants():
        try:
            os.kill(pid, SIGKILL)
        except OSError:
            pass


def guard(atc, reaped):
    try:
        while os.read(0, 65536):
            pass
    except OSError:
        pass
    kill_all(None if reaped else atc)


def start(argv):
    """Forks and runs argv in a session of its own with /dev/null as input; its process id."""
    pid = os.fork()
    if pid:
        return pid
    try:
        os.setsid()
        null = os.open('/dev/null', os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        if libc is not None:
            libc.signal(SIGPIPE, SIG_DFL)
            libc.signal(SIGXFSZ, SIG_DFL)
        else:
            import signal
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
        os.execvp(argv[0], argv)
    except BaseException as e:
        try:
            os.write(2, ('ivfsp-atc-watchdog: cannot run %s: %s\n' % (argv[0], getattr(e, 'strerror', e)))
                     .encode('utf-8', 'replace'))
        finally:
            os._exit(127 if isinstance(e, FileNotFoundError) else 126)
    os._exit(126)


def main():
    global libc
    try:
        os.setsid()
    except OSError:
        pass
    try:
        import ctypes
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    except Exception:
        libc = None
    atc = start(sys.argv[1:])
    reaped = []
    _thread.start_new_thread(guard, (atc, reaped))
    status = None
    while status is None:
        pid, raw = os.wait()
        if pid == atc:
            # Not os.waitstatus_to_exitcode: CANN's Python may be 3.7.
            status = os.WEXITSTATUS(raw) if os.WIFEXITED(raw) else 128 + os.WTERMSIG(raw)
            reaped.append(pid)
    # What is left: killed and reaped until no child remains. Orphans come here, so every live
    # descendant has a live ancestor that is a child of this process: no child, no descendant, and
    # /proc (tens of milliseconds on a busy machine) is walked only when something is left.
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                kill_all(None)
                os.wait()
        except ChildProcessError:
            break
    os._exit(status)


main()
