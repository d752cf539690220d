#!/usr/bin/env bash
# Smoke test of what scripts/docker-env.sh provides (run it after `docker-env.sh up`):
#   - molt-test/web:v1 and :v2 run hardened (--init --read-only --cap-drop ALL ...) and serve
#     "v1" / "v2" on an ephemeral published port on 127.0.0.1 (and, where routable, the bridge IP);
#   - HAProxy 2.6's runtime API adds, weights, drains and deletes dynamic servers without a reload,
#     using exactly the command sequence documented in scripts/README-docker-env.md.
# Cleans up what it started (its containers by id, its haproxy by pid), whatever the outcome.
set -euo pipefail

ENV_DIR=${MOLT_ENV_DIR:-/tmp/molt-env}
[[ -r $ENV_DIR/env ]] || {
  echo "no $ENV_DIR/env: run scripts/docker-env.sh up first" >&2
  exit 1
}
# shellcheck source=/dev/null
source "$ENV_DIR/env"

pass=0
fail=0
ok() {
  echo "ok   - $*"
  pass=$((pass + 1))
}
bad() {
  echo "FAIL - $*"
  fail=$((fail + 1))
}
expect() { # expect NAME WANT GOT
  if [[ $3 == "$2" ]]; then ok "$1"; else bad "$1: wanted '$2', got '$3'"; fi
}

containers=()
haproxy_pid=
work=$(mktemp -d)
cleanup() {
  ((${#containers[@]} == 0)) || docker rm -f "${containers[@]}" >/dev/null 2>&1 || true
  if [[ -n $haproxy_pid ]]; then
    kill "$haproxy_pid" 2>/dev/null || true
    wait "$haproxy_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

# wait_for SECONDS CMD...: poll CMD every 0.1s until it succeeds or the deadline passes.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# A TCP port nothing listens on yet (bash /dev/tcp: refused means free enough for a test).
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 30000))
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || {
      echo "$p"
      return
    }
  done
}

# --- containers -------------------------------------------------------------------------------
declare -A addr ip
for v in v1 v2; do
  image_var=MOLT_TEST_IMAGE_${v^^}
  cid=$(docker run -d --init --read-only --security-opt no-new-privileges --cap-drop ALL \
    -p 127.0.0.1::80 "${!image_var}")
  containers+=("$cid")
  addr[$v]=$(docker port "$cid" 80/tcp | head -n1)
  ip[$v]=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' "$cid")
  if wait_for 10 curl -sf "http://${addr[$v]}/health"; then
    expect "$v on published port ${addr[$v]}" "$v" "$(curl -s "http://${addr[$v]}/")"
  else
    bad "$v did not answer on ${addr[$v]} within 10s"
  fi
  if [[ -n ${ip[$v]} ]] && curl -s --max-time 2 "http://${ip[$v]}:80/" >/dev/null 2>&1; then
    ok "$v reachable on its bridge IP ${ip[$v]} (informational)"
  else
    echo "note - $v not reachable on bridge IP '${ip[$v]}' (normal on Docker Desktop)"
  fi
done

# --- HAProxy runtime API ----------------------------------------------------------------------
fe_port=$(free_port)
api_port=$(free_port)
cat >"$work/haproxy.cfg" <<EOF
global
    # the unix socket is what a Java client would use (UnixDomainSocketAddress); the TCP one
    # lets this script talk to the API with bash alone (no socat needed)
    stats socket $work/admin.sock mode 600 level admin
    stats socket ipv4@127.0.0.1:$api_port level admin
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
frontend fe
    bind 127.0.0.1:$fe_port
    default_backend be
backend be
    # dynamic servers need a dynamic algorithm (roundrobin, leastconn, first, consistent hash)
    balance roundrobin
    option httpchk GET /health
EOF
"${MOLT_HAPROXY_BIN:-haproxy}" -db -f "$work/haproxy.cfg" >"$work/haproxy.log" 2>&1 &
haproxy_pid=$!
wait_for 5 bash -c "exec 3<>/dev/tcp/127.0.0.1/$api_port" || {
  cat "$work/haproxy.log" >&2
  bad "haproxy did not open its runtime API"
  exit 1
}

# api CMD: one command per connection (non-interactive mode); prints the answer sans blank lines.
api() {
  local out
  exec 3<>"/dev/tcp/127.0.0.1/$api_port"
  printf '%s\n' "$1" >&3
  out=$(cat <&3)
  exec 3>&-
  printf '%s' "$out" | sed '/^$/d'
}
front() { curl -s --max-time 3 "http://127.0.0.1:$fe_port/"; }
# status of a server as `show stat` reports it (UP, DOWN, MAINT, DRAIN, "no check"...)
stat_status() { api 'show stat' | awk -F, -v s="$1" '$1=="be" && $2==s {print $18}'; }
status_is() { [[ $(stat_status "$1") == "$2" ]]; }
no_conns() { [[ $(used_cur "$1") == 0 ]]; }
used_cur() { api 'show servers conn be' | awk -v s="be/$1" '$1==s {print $7}'; }

expect "empty backend answers 503" 503 "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$fe_port/")"
expect "add server be/s1" "New server registered." "$(api "add server be/s1 ${addr[v1]} weight 10 check inter 500ms")"
expect "added server starts in maintenance" MAINT "$(stat_status s1)"
expect "enable health be/s1" "" "$(api 'enable health be/s1')"
expect "set server be/s1 state ready" "" "$(api 'set server be/s1 state ready')"
wait_for 5 status_is s1 UP || true
expect "frontend serves s1" v1 "$(front)"
expect "health check marks s1 UP" UP "$(stat_status s1)"

api "add server be/s2 ${addr[v2]} weight 10 check inter 500ms" >/dev/null
api 'enable health be/s2' >/dev/null
api 'set server be/s2 state ready' >/dev/null
wait_for 5 status_is s2 UP || true
seen=$(for _ in 1 2 3 4; do front; done | sort -u | tr '\n' ' ')
expect "round robin over s1+s2" "v1 v2 " "$seen"

expect "set server be/s1 weight 0" "" "$(api 'set server be/s1 weight 0')"
seen=$(for _ in 1 2 3 4; do front; done | sort -u | tr '\n' ' ')
expect "weight 0 sends nothing to s1" "v2 " "$seen"

expect "set server be/s1 state drain" "" "$(api 'set server be/s1 state drain')"
expect "del refused unless in maintenance" "Only servers in maintenance mode can be deleted." "$(api 'del server be/s1')"
# a server with connections attached cannot be deleted ("Server still has connections attached
# to it, cannot remove it."): wait for used_cur 0, or cut them with `shutdown sessions server`
wait_for 10 no_conns s1 || bad "s1 still has connections"
expect "set server be/s1 state maint" "" "$(api 'set server be/s1 state maint')"
expect "del server be/s1" "Server deleted." "$(api 'del server be/s1')"
seen=$(for _ in 1 2 3 4; do front; done | sort -u | tr '\n' ' ')
expect "after del only s2 serves" "v2 " "$seen"

echo "$pass passed, $fail failed"
((fail == 0))
