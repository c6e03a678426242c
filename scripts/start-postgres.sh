#!/usr/bin/env bash
# Start a throwaway PostgreSQL server for the PostgreSQL storage tests and print its DSN.
#
#   export NEWSDESK_TEST_POSTGRES="$(bash scripts/start-postgres.sh)"   # a new cluster in a temp directory
#   bash scripts/start-postgres.sh DIR                                  # ... in DIR (created; must not hold a cluster)
#   bash scripts/start-postgres.sh --stop DIR                           # stop it and delete DIR
#
# 1. Finds initdb and pg_ctl (PATH, then /usr/lib/postgresql/*/bin). When they are missing it installs
#    Debian's postgresql package as root; as another user it says what to run and fails.
# 2. initdb refuses to run as root, so as root the cluster belongs to the `postgres` user (made by the Debian
#    package) or, failing that, `nobody`; as anyone else it belongs to the caller.
# 3. The server listens on 127.0.0.1 only, on a free port, with its socket in the data directory (no system
#    directories are touched) and trust authentication: it is for tests, never for data.
# Only the DSN goes to stdout; progress and the stop command go to stderr.
set -euo pipefail

log() { echo "start-postgres: $*" >&2; }

find_bin() {
    local name=$1 candidate
    if candidate=$(command -v "$name" 2>/dev/null); then
        echo "$candidate"
        return 0
    fi
    # Debian keeps the server binaries out of PATH; take the newest version installed.
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/$name" ]; then
            echo "$candidate/$name"
            return 0
        fi
    done
    return 1
}

# Runs a command as the cluster's owner (the caller, or a system user when the caller is root).
as_owner() {
    if [ "$OWNER" = "$(id -un)" ]; then
        "$@"
    else
        runuser -u "$OWNER" -- "$@"
    fi
}

pick_owner() {
    if [ "$(id -u)" -ne 0 ]; then
        id -un
    elif id postgres >/dev/null 2>&1; then
        echo postgres
    else
        echo nobody
    fi
}

if [ "${1:-}" = "--stop" ]; then
    dir=${2:?usage: start-postgres.sh --stop DIR}
    if [ -f "$dir/data/PG_VERSION" ]; then
        OWNER=$(stat -c %U "$dir/data")
        PG_CTL=$(find_bin pg_ctl)
        as_owner "$PG_CTL" -D "$dir/data" stop -m fast >&2 || true
    fi
    rm -rf "$dir"
    log "stopped and removed $dir"
    exit 0
fi

if ! INITDB=$(find_bin initdb) || ! PG_CTL=$(find_bin pg_ctl); then
    if [ "$(id -u)" -ne 0 ]; then
        log "PostgreSQL is not installed. Run as root: apt-get install -y postgresql"
        exit 1
    fi
    log "installing Debian's postgresql package"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2
    apt-get install -y postgresql >&2
    INITDB=$(find_bin initdb)
    PG_CTL=$(find_bin pg_ctl)
fi
CREATEDB=$(dirname "$PG_CTL")/createdb
[ -x "$CREATEDB" ] || CREATEDB=$(find_bin createdb)

DIR=${1:-$(mktemp -d "${TMPDIR:-/tmp}/newsdesk-postgres.XXXXXX")}
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)
if [ -e "$DIR/data" ]; then
    log "$DIR/data exists; give an empty directory, or stop that cluster with --stop $DIR"
    exit 1
fi
OWNER=$(pick_owner)
mkdir "$DIR/data"
if [ "$OWNER" != "$(id -un)" ]; then
    chmod 0755 "$DIR"  # the owner must reach its data directory inside ours
    chown "$OWNER" "$DIR/data"
fi

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

log "initdb in $DIR/data (owner $OWNER)"
as_owner "$INITDB" -D "$DIR/data" --username=newsdesk --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$DIR/initdb.log" 2>&1 ||
    { cat "$DIR/initdb.log" >&2; exit 1; }
# -k: the socket lives in the data directory, so no /run/postgresql is needed.
OPTIONS="-c listen_addresses=127.0.0.1 -p $PORT -k $DIR/data -c max_connections=200 -c fsync=off"
as_owner "$PG_CTL" -D "$DIR/data" -l "$DIR/data/server.log" -o "$OPTIONS" -w start >&2 ||
    { cat "$DIR/data/server.log" >&2; exit 1; }
as_owner "$CREATEDB" -h 127.0.0.1 -p "$PORT" -U newsdesk newsdesk

log "running on 127.0.0.1:$PORT; stop it with: bash scripts/start-postgres.sh --stop $DIR"
echo "postgresql://newsdesk@127.0.0.1:$PORT/newsdesk"
