# ivfsp's ATC watchdog, run as: setsid sh -c "<this script>" ivfsp-atc-watchdog COMMAND [ARG]...
#
# Runs COMMAND in a session of its own (so its process group holds ATC and every compile worker it
# starts, and no terminal signal reaches it) and kills that whole group with SIGKILL as soon as this
# script's standard input reaches end of file. The input is a pipe from the JVM that nobody writes:
# it ends when the JVM closes it (cancellation, timeout) or when the JVM dies, even by kill -9, which
# Linux's parent-death signal could not tell apart from the exit of a pool thread.
# When COMMAND ends by itself, what is left of its group is killed and its status is this script's.

exec 3<&0 </dev/null

# A background command of a non-interactive shell is no group leader, so setsid(1) makes the
# session in place: $! is ATC's process id, its session id and its group id.
setsid "$@" 3<&- &
group=$!

# The guard: waits for the end of the pipe, then kills the group; the wait below then returns.
{
    while read -r line; do :; done <&3
    # The process itself too: it may not have made its session yet.
    kill -s KILL -- "$group" "-$group" 2>/dev/null
} >/dev/null 2>&1 &
guard=$!
exec 3<&-

# Reaps ATC, so that it is gone, not a zombie, when this script ends. (The shell's own "Killed"
# notice would otherwise join ATC's output.)
wait "$group" 2>/dev/null
status=$?
# ATC's leftovers. Its process group id stays reserved while any member lives, and process ids are
# handed out cyclically, so this kill cannot reach a stranger.
kill -s KILL -- "-$group" 2>/dev/null
kill -s KILL "$guard" 2>/dev/null
wait "$guard" 2>/dev/null
exit "$status"
