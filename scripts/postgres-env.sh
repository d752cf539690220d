#!/usr/bin/env bash
# Provisions a private, throw-away PostgreSQL server for the PostgreSQL store's integration tests:
# a cluster made with initdb in a fresh temporary directory, started with pg_ctl on 127.0.0.1 and
# a free port (its unix socket in that directory too), and deleted again by `down`.
#
#   scripts/postgres-env.sh up       # install postgresql if missing, initdb, start; write the env file
#   scripts/postgres-env.sh down     # stop the cluster `up` started (never another one), delete its dir
#   scripts/postgres-env.sh restart  # stop the cluster fast and start it again on the same port
#   scripts/postgres-env.sh status   # is the cluster of the env file running? (exit 1 when not)
#   scripts/postgres-env.sh env      # print the env file written by `up`
#
# After `up`:  source "${MOLT_PG_ENV_FILE:-/tmp/molt-pg/env}"   (MOLT_PG_URL, MOLT_PG_USER, ...)
# `up` also prints the JDBC URL as its last line.
#
# Knobs (environment):
#   MOLT_PG_ENV_FILE        where `up` writes the env file and `down` reads it (default /tmp/molt-pg/env)
#   MOLT_PG_TMP             parent of the cluster's temporary directory (default /tmp); the postgres
#                           user must be able to reach it
#   MOLT_PG_BINDIR          PostgreSQL's bin directory (default: pg_config --bindir, else the newest
#                           /usr/lib/postgresql/*/bin, else initdb on PATH)
#   MOLT_PG_START_TIMEOUT   seconds to wait for the server to accept connections (default 60)
#   MOLT_PG_STOP_TIMEOUT    seconds to wait for it to stop on `down` (default 60)
#
# As root (these machines), the cluster belongs to and runs as the `postgres` user the Debian
# package creates: the server refuses to run as root. As another user, it runs as that user.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ENV_FILE=${MOLT_PG_ENV_FILE:-/tmp/molt-pg/env}
ENV_DIR=$(dirname "$ENV_FILE")
TMP_PARENT=${MOLT_PG_TMP:-/tmp}
START_TIMEOUT=${MOLT_PG_START_TIMEOUT:-60}
STOP_TIMEOUT=${MOLT_PG_STOP_TIMEOUT:-60}
DB_USER=molt

log() { printf '[postgres-env] %s\n' "$*" >&2; }
die() {
  printf '[postgres-env] ERROR: %s\n' "$*" >&2
  exit 1
}
now() { date +%s; }

# ---------------------------------------------------------------------------------------------
# Binaries and the user the server runs as
# ---------------------------------------------------------------------------------------------

find_bindir() {
  if [[ -n ${MOLT_PG_BINDIR:-} ]]; then
    [[ -x $MOLT_PG_BINDIR/initdb ]] || return 1
    echo "$MOLT_PG_BINDIR"
    return 0
  fi
  local d
  if command -v pg_config >/dev/null 2>&1; then
    d=$(pg_config --bindir 2>/dev/null || true)
    if [[ -n $d && -x $d/initdb ]]; then echo "$d"; return 0; fi
  fi
  # Debian keeps the server binaries out of PATH, one directory per major version
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  if [[ -n $d && -x $d/initdb ]]; then echo "$d"; return 0; fi
  if command -v initdb >/dev/null 2>&1; then dirname "$(command -v initdb)"; return 0; fi
  return 1
}

ensure_server() {
  local bindir
  if [[ -n ${MOLT_PG_BINDIR:-} && ! -x ${MOLT_PG_BINDIR:-}/initdb ]]; then
    die "MOLT_PG_BINDIR=$MOLT_PG_BINDIR has no initdb: point it at PostgreSQL's bin directory or unset it"
  fi
  if bindir=$(find_bindir); then
    echo "$bindir"
    return 0
  fi
  command -v apt-get >/dev/null 2>&1 \
    || die "no PostgreSQL server binaries (initdb, pg_ctl) found and no apt-get to install them: install PostgreSQL >= 13 or set MOLT_PG_BINDIR"
  log "installing Debian's postgresql (no server binaries found)"
  # policy-rc.d: no init system here, and the package must not start its own cluster
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ $(id -u) == 0 && ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    made_policy=1
  fi
  local rc=0
  bash "$HERE/ensure-packages.sh" postgresql || rc=$?
  ((made_policy)) && rm -f "$policy"
  ((rc == 0)) || die "installing postgresql failed (exit $rc)"
  bindir=$(find_bindir) || die "postgresql installed but no initdb found under /usr/lib/postgresql/*/bin"
  echo "$bindir"
}

# The user that owns the cluster and runs the server.
server_user() {
  if [[ $(id -u) == 0 ]]; then
    id postgres >/dev/null 2>&1 || die "running as root, but there is no 'postgres' user to run the server as (the postgresql package creates it)"
    echo postgres
  else
    id -un
  fi
}

# as_server CMD...: runs CMD as the server's user.
as_server() {
  local user
  user=$(server_user)
  if [[ $user == "$(id -un)" ]]; then
    "$@"
  elif command -v runuser >/dev/null 2>&1; then
    runuser -u "$user" -- "$@"
  else
    su -s /bin/sh "$user" -c "$(printf '%q ' "$@")"
  fi
}

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
  local p i
  for ((i = 0; i < 50; i++)); do
    p=$((20000 + RANDOM % 40000))
    port_in_use "$p" || { echo "$p"; return 0; }
  done
  return 1
}

# ---------------------------------------------------------------------------------------------
# Env file
# ---------------------------------------------------------------------------------------------

env_value() { # env_value NAME: the value of NAME in the env file, or nothing
  [[ -s $ENV_FILE ]] || return 0
  sed -n "s/^export $1=//p" "$ENV_FILE" | tail -n 1
}

write_env_file() {
  local dir=$1 port=$2 bindir=$3 tmpf
  mkdir -p "$ENV_DIR"
  tmpf=$(mktemp "$ENV_DIR/env.XXXXXX")
  {
    echo "# written by scripts/postgres-env.sh up: a throw-away cluster, deleted by 'down'"
    echo "export MOLT_PG_URL=jdbc:postgresql://127.0.0.1:$port/postgres"
    echo "export MOLT_PG_USER=$DB_USER"
    echo "export MOLT_PG_HOST=127.0.0.1"
    echo "export MOLT_PG_PORT=$port"
    echo "export MOLT_PG_DIR=$dir"
    echo "export MOLT_PG_BINDIR=$bindir"
  } >"$tmpf"
  chmod 644 "$tmpf"
  mv -f "$tmpf" "$ENV_FILE"
}

lock_env_dir() {
  mkdir -p "$ENV_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$ENV_DIR/lock"
    flock -w 300 9 || die "another postgres-env.sh holds $ENV_DIR/lock"
  fi
}

# ---------------------------------------------------------------------------------------------
# Cluster
# ---------------------------------------------------------------------------------------------

# stop_cluster DIR BINDIR: stops the server of the cluster in DIR (if it runs) and deletes DIR.
stop_cluster() {
  local dir=$1 bindir=$2
  [[ -n $dir && -d $dir ]] || return 0
  [[ $(basename "$dir") == molt-pg.* ]] || die "refusing to delete $dir: not a directory made by this script"
  if [[ -s $dir/data/postmaster.pid ]]; then
    log "stopping the server of $dir"
    if ! as_server "$bindir/pg_ctl" -D "$dir/data" -m fast -w -t "$STOP_TIMEOUT" stop >&2; then
      log "fast stop did not finish within ${STOP_TIMEOUT}s; stopping immediately"
      as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t "$STOP_TIMEOUT" stop >&2 \
        || die "the server of $dir would not stop (see $dir/log)"
    fi
  fi
  rm -rf "$dir"
  log "deleted $dir"
}

start_cluster() {
  local bindir=$1 user dir port attempt
  user=$(server_user)
  mkdir -p "$TMP_PARENT"
  dir=$(mktemp -d "$TMP_PARENT/molt-pg.XXXXXX")
  chmod 700 "$dir"
  [[ $user == "$(id -un)" ]] || chown "$user:" "$dir"
  if ((${#dir} > 90)); then
    rm -rf "$dir"
    die "MOLT_PG_TMP=$TMP_PARENT is too long for the server's unix socket path; pick a shorter one"
  fi
  log "initdb $dir/data (owner $user, superuser $DB_USER, trust authentication on loopback only)"
  if ! as_server "$bindir/initdb" -D "$dir/data" -A trust -U "$DB_USER" -E UTF8 --locale=C.UTF-8 \
    --no-sync >"$dir/initdb.log" 2>&1; then
    tail -n 20 "$dir/initdb.log" >&2 || true
    rm -rf "$dir"
    die "initdb failed"
  fi
  for attempt in 1 2 3 4 5; do
    port=$(free_port) || die "no free TCP port found on 127.0.0.1"
    log "starting PostgreSQL on 127.0.0.1:$port (socket dir $dir, log $dir/log)"
    # listen on loopback only; fsync off: a throw-away test cluster needs no durability.
    # 9>&-: the server must not inherit the env dir's lock (it would hold it until it stops)
    if as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -w -t "$START_TIMEOUT" \
      -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >&2 9>&-; then
      write_env_file "$dir" "$port" "$bindir"
      return 0
    fi
    if grep -q "could not bind\|Address already in use" "$dir/log" 2>/dev/null; then
      log "port $port was taken meanwhile; trying another"
      as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
      continue
    fi
    log "the server did not start; last lines of $dir/log:"
    tail -n 25 "$dir/log" >&2 || true
    as_server "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t 10 stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    die "PostgreSQL failed to start within ${START_TIMEOUT}s"
  done
  rm -rf "$dir"
  die "PostgreSQL could not bind a port after 5 attempts"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

cmd_up() {
  lock_env_dir
  local t0 bindir old
  t0=$(now)
  bindir=$(ensure_server)
  old=$(env_value MOLT_PG_DIR)
  if [[ -n $old ]]; then
    # left by a run that never reached `down` (an interrupted build): start from scratch
    log "a cluster from an earlier up remains ($old): removing it first"
    stop_cluster "$old" "$(env_value MOLT_PG_BINDIR)"
    rm -f "$ENV_FILE"
  fi
  start_cluster "$bindir"
  # the server answers: check that our user can really connect and run a query
  local port
  port=$(env_value MOLT_PG_PORT)
  if [[ -x $bindir/psql ]]; then
    "$bindir/psql" -h 127.0.0.1 -p "$port" -U "$DB_USER" -d postgres -tAc 'select version()' >&2 \
      || die "the server started but refuses queries on 127.0.0.1:$port"
  fi
  log "ready in $(($(now) - t0))s; use it with: source $ENV_FILE"
  env_value MOLT_PG_URL
}

cmd_down() {
  lock_env_dir
  local dir
  dir=$(env_value MOLT_PG_DIR)
  if [[ -z $dir ]]; then
    log "no cluster to stop (no env file at $ENV_FILE)"
    return 0
  fi
  stop_cluster "$dir" "$(env_value MOLT_PG_BINDIR)"
  rm -f "$ENV_FILE"
}

cmd_restart() {
  # stop the cluster of the env file (fast: clients are cut off) and start it again on the same
  # port and socket dir: what a database failover or restart looks like to the engines
  local dir bindir port
  dir=$(env_value MOLT_PG_DIR)
  bindir=$(env_value MOLT_PG_BINDIR)
  port=$(env_value MOLT_PG_PORT)
  [[ -n $dir ]] || die "no cluster to restart (no env file at $ENV_FILE): run '$0 up' first"
  log "restarting PostgreSQL on 127.0.0.1:$port"
  as_server "$bindir/pg_ctl" -D "$dir/data" -l "$dir/log" -m fast -w -t "$START_TIMEOUT" \
    -o "-k $dir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    restart >&2 9>&- || die "PostgreSQL did not restart within ${START_TIMEOUT}s; see $dir/log"
}

cmd_status() {
  local dir bindir
  dir=$(env_value MOLT_PG_DIR)
  bindir=$(env_value MOLT_PG_BINDIR)
  if [[ -z $dir ]]; then
    echo "no cluster (no env file at $ENV_FILE)"
    return 1
  fi
  if [[ -d $dir/data ]] && as_server "$bindir/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    echo "running: $(env_value MOLT_PG_URL) (cluster $dir)"
    return 0
  fi
  echo "NOT running: cluster $dir of $ENV_FILE"
  return 1
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down ;;
  status) cmd_status ;;
  restart) cmd_restart ;;
  env) cat "$ENV_FILE" 2>/dev/null || die "no env file at $ENV_FILE: run '$0 up' first" ;;
  *)
    echo "usage: $0 up | down | restart | status | env" >&2
    exit 2
    ;;
esac
