#!/usr/bin/env bash
# Provisions what the Docker-provider integration tests and `./demo --provider docker` need:
# a reachable Docker Engine, the haproxy binary, two test images built without a registry
# (molt-test/web:v1 and molt-test/web:v2, busybox httpd serving "v1" / "v2"), and a private image
# registry on loopback (Debian's docker-registry) holding both, so that pulls by digest are tested.
#
#   scripts/docker-env.sh up       # reuse an engine that answers, or install + start a private one
#   scripts/docker-env.sh down     # stop the private engine and registry this script started
#                                  # (never another engine)
#   scripts/docker-env.sh down --purge   # ... and delete its state dir (images, data-root)
#   scripts/docker-env.sh restart  # restart the private engine `up` chose (as a host restart
#                                  # would: containers are stopped, the daemon comes back on the
#                                  # same state); an external engine only through
#                                  # MOLT_DOCKER_RESTART_CMD
#   scripts/docker-env.sh status   # which engine is reachable, if any (exit 1 when none)
#   scripts/docker-env.sh env      # print the env file written by `up`
#
# After `up`:  source "${MOLT_ENV_DIR:-/tmp/molt-env}/env"
#
# Knobs (environment):
#   MOLT_ENV_DIR            state dir of the private engine (default /tmp/molt-env; keep it short:
#                           unix socket paths under it must stay below 108 bytes)
#   MOLT_DOCKERD_TIMEOUT    seconds to wait for a private dockerd to answer (default 60)
#   MOLT_DOCKERD_STOP_TIMEOUT  seconds to wait for it to exit on `down` (default 45)
#   MOLT_DOCKER_PRIVATE=1   ignore DOCKER_HOST and the default socket; always use a private engine
#   MOLT_DOCKER_IPTABLES=true  let the private dockerd manage iptables/NAT and ip_forward
#                           (default false: host firewall untouched, containers get no outbound NAT)
#   MOLT_REGISTRY_TIMEOUT   seconds to wait for the registry to answer (default 30)
#   MOLT_DOCKER_RESTART_CMD command that restarts an external engine for `restart` (e.g.
#                           'sudo systemctl restart docker'); without it `restart` refuses one
#
# See scripts/README-docker-env.md for the findings behind the choices made here.
set -euo pipefail

ENV_DIR=${MOLT_ENV_DIR:-/tmp/molt-env}
SOCK="$ENV_DIR/docker.sock"
PRIVATE_HOST="unix://$SOCK"
PIDFILE="$ENV_DIR/dockerd.pid"
LOG="$ENV_DIR/dockerd.log"
ENV_FILE="$ENV_DIR/env"
ENGINE_FILE="$ENV_DIR/engine"          # records which engine `up` chose
DEFAULT_SOCK=/var/run/docker.sock
START_TIMEOUT=${MOLT_DOCKERD_TIMEOUT:-60}
IPTABLES=${MOLT_DOCKER_IPTABLES:-false}
STOP_TIMEOUT=${MOLT_DOCKERD_STOP_TIMEOUT:-45}
IMAGE_V1=molt-test/web:v1
IMAGE_V2=molt-test/web:v2
# Bump when the image recipe below changes, so existing images get rebuilt.
IMAGE_RECIPE=3
# The loopback registry: its state, the port it chose, and the repository the images are pushed to.
REGISTRY_DIR="$ENV_DIR/registry"
REGISTRY_PIDFILE="$REGISTRY_DIR/registry.pid"
REGISTRY_LOG="$REGISTRY_DIR/registry.log"
REGISTRY_TIMEOUT=${MOLT_REGISTRY_TIMEOUT:-30}
REGISTRY_REPO=molt-test/web
FINGERPRINT_LABEL=dev.molt.test-image.fingerprint

log() { printf '[docker-env] %s\n' "$*" >&2; }
die() {
  printf '[docker-env] ERROR: %s\n' "$*" >&2
  exit 1
}
now() { date +%s; }
# temporary dirs to remove on exit, whatever the exit
CLEANUP=()
STARTED_PID=  # set when this run started a private dockerd
cleanup() {
  local rc=$?
  ((${#CLEANUP[@]} == 0)) || rm -rf "${CLEANUP[@]}"
  if ((rc != 0)) && [[ -n $STARTED_PID ]] && kill -0 "$STARTED_PID" 2>/dev/null; then
    log "the private dockerd this run started is still up (pid $STARTED_PID): '$0 down' stops it"
  fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------------------------------
# Engine probes
# ---------------------------------------------------------------------------------------------

# engine_ok HOST: true when a Docker Engine answers at HOST (a DOCKER_HOST value).
# Prefers the docker CLI (works for tcp://, ssh://, contexts...), falls back to curl on unix
# sockets so a probe works before any docker package is installed.
engine_ok() {
  local host=$1
  if command -v docker >/dev/null 2>&1; then
    DOCKER_HOST=$host run_limited 15 docker version --format '{{.Server.Version}}' >/dev/null 2>&1
  elif [[ $host == unix://* ]] && command -v curl >/dev/null 2>&1; then
    [[ "$(curl -sf --max-time 5 --unix-socket "${host#unix://}" http://docker/_ping 2>/dev/null)" == OK ]]
  else
    return 1
  fi
}

engine_version() {
  DOCKER_HOST=$1 run_limited 15 docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?'
}

# run_limited SECONDS CMD...: run with a time limit where coreutils' timeout exists (not on macOS).
run_limited() {
  local secs=$1
  shift
  if command -v timeout >/dev/null 2>&1; then timeout "$secs" "$@"; else "$@"; fi
}

# The pid of the private dockerd if it is alive (and really a dockerd: pids get reused).
private_pid() {
  local pid
  [[ -s $PIDFILE ]] || return 1
  pid=$(<"$PIDFILE")
  [[ $pid =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/comm ]]; then
    [[ "$(<"/proc/$pid/comm")" == dockerd ]] || return 1
  fi
  echo "$pid"
}

# Prints the DOCKER_HOST of a usable pre-existing engine, or fails.
find_external_engine() {
  [[ ${MOLT_DOCKER_PRIVATE:-0} == 1 ]] && return 1
  if [[ -n ${DOCKER_HOST:-} && ${DOCKER_HOST} != "$PRIVATE_HOST" ]]; then
    if engine_ok "$DOCKER_HOST"; then
      echo "$DOCKER_HOST"
      return 0
    fi
    log "WARNING: DOCKER_HOST=$DOCKER_HOST is set but no engine answers there; ignoring it"
  fi
  if [[ -S $DEFAULT_SOCK ]] && engine_ok "unix://$DEFAULT_SOCK"; then
    echo "unix://$DEFAULT_SOCK"
    return 0
  fi
  return 1
}

# ---------------------------------------------------------------------------------------------
# Packages
# ---------------------------------------------------------------------------------------------

as_root() {
  if [[ $(id -u) == 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run: $* (no sudo available)"
  fi
}

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

# A statically linked busybox on this machine, if any (the image gets no libc).
static_busybox() {
  local b
  for b in /bin/busybox /usr/bin/busybox; do
    [[ -x $b ]] || continue
    command -v ldd >/dev/null 2>&1 || { echo "$b"; return 0; }
    # ldd says "not a dynamic executable" (glibc) or "statically linked" for static binaries,
    # and exits non-zero for them: not a pipeline, pipefail would turn that into "dynamic".
    local out
    out=$(LC_ALL=C ldd "$b" 2>&1 || true)
    if [[ $out == *"not a dynamic"* || $out == *"statically linked"* ]]; then
      echo "$b"
      return 0
    fi
  done
  return 1
}

# apt_install PKG...: installs those of PKG not yet installed; `apt-get update` only when a
# package has no install candidate in the current lists, or an install from them fails.
# --no-remove: never take a package away from the machine to make room (apt aborts instead).
apt_install() {
  local missing=() p
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  ((${#missing[@]})) || return 0
  command -v apt-get >/dev/null 2>&1 || die "missing packages (${missing[*]}) and no apt-get to install them"
  log "installing: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  local need_update=0
  for p in "${missing[@]}"; do
    if ! apt-cache policy "$p" 2>/dev/null | grep -q 'Candidate: [^(]'; then need_update=1; fi
  done
  if ((need_update)); then
    log "apt-get update (no install candidate in the current package lists)"
    as_root apt-get update -qq >&2 || die "apt-get update failed"
  fi
  # No init system here: keep maintainer scripts from starting the distro's docker service on
  # the default socket (it would come up without the ulimit flags this machine needs).
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee "$policy" >/dev/null
    as_root chmod 755 "$policy"
    made_policy=1
  fi
  local rc=0
  as_root apt-get install -y -qq --no-install-recommends --no-remove "${missing[@]}" >&2 || rc=$?
  if ((rc != 0 && need_update == 0)); then
    log "install failed; retrying after apt-get update (package lists may be stale)"
    rc=0
    as_root apt-get update -qq >&2 && as_root apt-get install -y -qq --no-install-recommends --no-remove "${missing[@]}" >&2 || rc=$?
  fi
  ((made_policy)) && as_root rm -f "$policy"
  ((rc == 0)) || die "apt-get install ${missing[*]} failed (exit $rc)"
}

ensure_haproxy() {
  if ! command -v haproxy >/dev/null 2>&1 && [[ ! -x /usr/sbin/haproxy ]]; then
    command -v apt-get >/dev/null 2>&1 || die "haproxy not found and no apt-get: install HAProxy >= 2.6 and put it on PATH"
    apt_install haproxy
  fi
}

haproxy_bin() {
  if [[ -x /usr/sbin/haproxy ]]; then echo /usr/sbin/haproxy; else command -v haproxy; fi
}

# ---------------------------------------------------------------------------------------------
# Private engine
# ---------------------------------------------------------------------------------------------

start_private_engine() {
  local pkgs=()
  command -v dockerd >/dev/null 2>&1 || pkgs+=(docker.io)
  # The docker CLI on PATH may be another one (e.g. a standalone client); that is fine.
  command -v docker >/dev/null 2>&1 || pkgs+=(docker.io)
  # (not over Debian's dynamic busybox package, which it would replace: get_busybox copes then)
  static_busybox >/dev/null || pkg_installed busybox || pkgs+=(busybox-static)
  command -v haproxy >/dev/null 2>&1 || [[ -x /usr/sbin/haproxy ]] || pkgs+=(haproxy)
  if ((${#pkgs[@]})); then
    apt_install $(printf '%s\n' "${pkgs[@]}" | sort -u)
    hash -r
  fi
  command -v dockerd >/dev/null 2>&1 || die "dockerd not found after installing docker.io"

  if ((${#SOCK} > 100)); then
    die "MOLT_ENV_DIR=$ENV_DIR is too long for a unix socket path; pick a shorter one"
  fi
  mkdir -p "$ENV_DIR/data" "$ENV_DIR/exec"
  rm -f "$SOCK" "$PIDFILE"
  : >"$LOG"

  # dockerd creates the docker0 bridge and leaves it when it exits; `down` removes it if we made it.
  [[ -e /sys/class/net/docker0 ]] || : >"$ENV_DIR/docker0.created"
  local net_flags=()
  if [[ $IPTABLES == true ]]; then
    # dockerd turns ip_forward on; remember the host's value so `down` can put it back.
    [[ -e $ENV_DIR/ip_forward.orig ]] || cat /proc/sys/net/ipv4/ip_forward >"$ENV_DIR/ip_forward.orig" 2>/dev/null || true
  else
    # Leave the host's firewall and sysctls alone: published ports still work through
    # docker-proxy (the userland proxy), and the host reaches containers on the bridge directly.
    # What is lost: containers get no NAT to the outside (the tests need none).
    net_flags=(--iptables=false --ip-forward=false)
  fi

  # --default-ulimit: the sandbox lacks CAP_SYS_RESOURCE, so runc cannot raise RLIMIT_NOFILE /
  #   RLIMIT_NPROC to dockerd's defaults ("error setting rlimits"); lower defaults always fit.
  # networking: default bridge docker0; iptables off unless MOLT_DOCKER_IPTABLES=true (above).
  # setsid: the daemon must outlive this script and not get the caller's terminal signals.
  # 9>&-: the daemon must not inherit the state-dir lock (it would hold it forever).
  log "starting private dockerd on $SOCK (log: $LOG)"
  setsid dockerd \
    --host "$PRIVATE_HOST" \
    --data-root "$ENV_DIR/data" \
    --exec-root "$ENV_DIR/exec" \
    --pidfile "$PIDFILE" \
    --default-ulimit nofile=1024:1024 \
    --default-ulimit nproc=1024:1024 \
    ${net_flags[@]+"${net_flags[@]}"} \
    </dev/null >>"$LOG" 2>&1 9>&- &
  local launcher=$!

  local deadline=$(($(now) + START_TIMEOUT))
  while :; do
    if engine_ok "$PRIVATE_HOST"; then break; fi
    if ! kill -0 "$launcher" 2>/dev/null && ! private_pid >/dev/null; then
      log "dockerd exited during start-up; last lines of $LOG:"
      tail -n 25 "$LOG" >&2 || true
      die "private Docker Engine failed to start (full log: $LOG)"
    fi
    if (($(now) >= deadline)); then
      log "dockerd did not answer on $SOCK within ${START_TIMEOUT}s; last lines of $LOG:"
      tail -n 25 "$LOG" >&2 || true
      # do not leave a half-started daemon behind: end the one we launched, by its pid
      kill -TERM "$launcher" 2>/dev/null || true
      local t=$(($(now) + 10))
      while kill -0 "$launcher" 2>/dev/null && (($(now) < t)); do sleep 0.2; done
      kill -KILL "$launcher" 2>/dev/null || true
      die "private Docker Engine not ready after ${START_TIMEOUT}s and stopped again (full log: $LOG)"
    fi
    sleep 0.2
  done
  STARTED_PID=$(private_pid || echo "$launcher")
  log "private dockerd $(engine_version "$PRIVATE_HOST") ready (pid $STARTED_PID)"
}

stop_private_engine() {
  local pid
  if ! pid=$(private_pid); then
    log "no private dockerd running (pidfile $PIDFILE)"
    return 0
  fi
  log "stopping private dockerd (pid $pid)"
  kill -TERM "$pid"
  local deadline=$(($(now) + STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null; do
    if (($(now) >= deadline)); then
      log "dockerd (pid $pid) still running after ${STOP_TIMEOUT}s: sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      # dockerd's own containerd survives a SIGKILLed parent; end it by its pidfile too.
      local cpid
      cpid=$(cat "$ENV_DIR/exec/containerd/containerd.pid" 2>/dev/null || true)
      if [[ $cpid =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$cpid/comm" 2>/dev/null)" == containerd ]]; then
        kill -KILL "$cpid" 2>/dev/null || true
      fi
      sleep 0.5
      kill -0 "$pid" 2>/dev/null && die "dockerd pid $pid would not exit"
      break
    fi
    sleep 0.2
  done
  rm -f "$PIDFILE" "$SOCK"
  log "private dockerd stopped"
}

# True when some other running dockerd has no --bridge/-b option naming another bridge (so it
# uses docker0). A daemon.json `bridge` setting is not looked at: such a daemon counts as a user.
another_dockerd_on_docker0() {
  local pid args i bridge
  for pid in $(pgrep -x dockerd 2>/dev/null); do
    mapfile -d '' -t args <"/proc/$pid/cmdline" 2>/dev/null || return 0
    bridge=docker0
    for ((i = 0; i < ${#args[@]}; i++)); do
      case ${args[i]} in
        --bridge=* | -b=*) bridge=${args[i]#*=} ;;
        --bridge | -b) bridge=${args[i + 1]:-} ;;
      esac
    done
    [[ $bridge == docker0 ]] && return 0
  done
  return 1
}

# Removes the docker0 bridge if our dockerd created it and no other dockerd may be using it.
remove_bridge() {
  local marker=$ENV_DIR/docker0.created
  [[ -e $marker ]] || return 0
  rm -f "$marker"
  [[ -e /sys/class/net/docker0 ]] || return 0
  if another_dockerd_on_docker0; then
    log "another dockerd may use docker0: leaving the bridge in place"
  else
    # iproute2 may be missing (a minimal Debian); busybox-static has an `ip` applet
    local ipcmd=(ip) bb
    if ! command -v ip >/dev/null 2>&1; then
      bb=$(static_busybox) || bb=$(command -v busybox) || bb=
      ipcmd=("$bb" ip)
    fi
    if [[ -n ${ipcmd[0]} ]] && "${ipcmd[@]}" link delete docker0 2>/dev/null; then
      log "removed the docker0 bridge it had created"
    else
      log "could not remove the docker0 bridge (no ip command?)"
    fi
  fi
}

# dockerd enables IPv4 forwarding; put back what the host had before our first `up`.
restore_ip_forward() {
  local f=$ENV_DIR/ip_forward.orig
  [[ -s $f ]] || return 0
  local orig
  orig=$(<"$f")
  rm -f "$f"
  # another engine on this host (a different state dir) may rely on forwarding: leave it then
  if pgrep -x dockerd >/dev/null 2>&1; then
    log "another dockerd is running: leaving net.ipv4.ip_forward as it is"
    return 0
  fi
  if [[ $orig =~ ^[01]$ ]] && [[ "$(cat /proc/sys/net/ipv4/ip_forward 2>/dev/null)" != "$orig" ]]; then
    echo "$orig" >/proc/sys/net/ipv4/ip_forward 2>/dev/null && log "restored net.ipv4.ip_forward=$orig" || true
  fi
}

# ---------------------------------------------------------------------------------------------
# Test images
# ---------------------------------------------------------------------------------------------

# Obtains a static busybox binary into $1: the local busybox-static; else (a pre-existing engine,
# e.g. a laptop) the one inside the registry's busybox image; else busybox-static from apt.
get_busybox() {
  local dest=$1 b
  if b=$(static_busybox); then
    cp "$b" "$dest"
    return 0
  fi
  log "no static busybox here: taking it from the registry's busybox image"
  local cid
  if docker pull -q busybox:1.36 >/dev/null && cid=$(docker create busybox:1.36); then
    if docker cp "$cid:/bin/busybox" "$dest" >/dev/null; then
      docker rm "$cid" >/dev/null
      return 0
    fi
    docker rm "$cid" >/dev/null
  fi
  if pkg_installed busybox; then
    # busybox-static conflicts with (and would replace) Debian's dynamic busybox package
    die "need a static busybox: 'apt-get install busybox-static' (replaces the busybox package), or a registry for 'docker pull busybox'"
  fi
  log "no registry either: installing busybox-static"
  apt_install busybox-static
  b=$(static_busybox) || die "busybox-static installed but no static /bin/busybox found"
  cp "$b" "$dest"
}

# build_image TAG PAGE BUSYBOX: imports a root fs with busybox + /www/index.html=PAGE + /www/health.
build_image() {
  local tag=$1 page=$2 bb=$3 fp=$4
  local root
  root=$(mktemp -d)
  CLEANUP+=("$root")
  mkdir -p "$root/bin" "$root/www" "$root/etc" "$root/tmp"
  # mktemp -d makes the root 0700, and the tar's "./" entry becomes the image's /: a container
  # running as an unprivileged user (the provider's default) could not even reach /bin then.
  chmod 755 "$root" "$root/bin" "$root/www" "$root/etc"
  cp "$bb" "$root/bin/busybox"
  chmod 755 "$root/bin/busybox"
  local applet
  # every applet (sh, httpd, wget, cat, sleep, ...) as a relative symlink to busybox
  for applet in $("$root/bin/busybox" --list); do
    [[ $applet == busybox ]] || ln -sf busybox "$root/bin/$applet"
  done
  printf '%s\n' "$page" >"$root/www/index.html"
  printf 'ok\n' >"$root/www/health"
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$root/etc/group"
  chmod 1777 "$root/tmp"
  # docker import applies a subset of Dockerfile instructions; CMD makes `docker run IMAGE` serve.
  tar -C "$root" --numeric-owner --owner=0 --group=0 -cf - . |
    docker import \
      --change 'ENV PATH=/bin' \
      --change 'EXPOSE 80' \
      --change "LABEL $FINGERPRINT_LABEL=$fp" \
      --change 'CMD ["/bin/busybox", "httpd", "-f", "-p", "80", "-h", "/www"]' \
      - "$tag" >/dev/null || die "docker import of $tag failed"
}

ensure_images() {
  local bb tmp
  local want_v1 want_v2 have_v1 have_v2
  have_v1=$(docker image inspect -f "{{index .Config.Labels \"$FINGERPRINT_LABEL\"}}" "$IMAGE_V1" 2>/dev/null || true)
  have_v2=$(docker image inspect -f "{{index .Config.Labels \"$FINGERPRINT_LABEL\"}}" "$IMAGE_V2" 2>/dev/null || true)
  # Fast path: both images carry a fingerprint of this recipe, so they were built by this script
  # (the busybox binary is not re-hashed here: that would need it, which may mean a pull).
  if [[ $have_v1 == r$IMAGE_RECIPE-*-v1 && $have_v2 == r$IMAGE_RECIPE-*-v2 ]]; then
    log "images $IMAGE_V1 and $IMAGE_V2 present"
    return 0
  fi
  tmp=$(mktemp -d)
  CLEANUP+=("$tmp")
  bb=$tmp/busybox
  get_busybox "$bb"
  local bbsum
  if command -v sha256sum >/dev/null 2>&1; then bbsum=$(sha256sum "$bb"); else bbsum=$(shasum -a 256 "$bb"); fi
  bbsum=${bbsum:0:16}
  want_v1="r$IMAGE_RECIPE-$bbsum-v1"
  want_v2="r$IMAGE_RECIPE-$bbsum-v2"
  if [[ $have_v1 != "$want_v1" ]]; then
    log "building $IMAGE_V1 (docker import, no registry)"
    build_image "$IMAGE_V1" v1 "$bb" "$want_v1"
  fi
  if [[ $have_v2 != "$want_v2" ]]; then
    log "building $IMAGE_V2 (docker import, no registry)"
    build_image "$IMAGE_V2" v2 "$bb" "$want_v2"
  fi
  # images of ours that a rebuild left untagged (only dangling ones carrying our label)
  docker image prune -f --filter "label=$FINGERPRINT_LABEL" >/dev/null 2>&1 || true
}


# ---------------------------------------------------------------------------------------------
# Private image registry on loopback (Debian's docker-registry), for pulls by digest
# ---------------------------------------------------------------------------------------------

registry_bin() { command -v docker-registry 2>/dev/null || { [[ -x /usr/bin/docker-registry ]] && echo /usr/bin/docker-registry; }; }

# The pid of our registry if it is alive (and really a registry: pids get reused).
registry_pid() {
  local pid
  [[ -s $REGISTRY_PIDFILE ]] || return 1
  pid=$(<"$REGISTRY_PIDFILE")
  [[ $pid =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null || return 1
  if [[ -r /proc/$pid/comm ]]; then
    [[ "$(<"/proc/$pid/comm")" == docker-registr* ]] || return 1
  fi
  echo "$pid"
}

registry_ok() { [[ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 3 "http://$1/v2/" 2>/dev/null)" == 200 ]]; }

# The address the running registry listens on ("127.0.0.1:PORT"), from its log.
registry_addr() {
  [[ -s $REGISTRY_LOG ]] || return 1
  local addr
  addr=$(grep -o 'listening on 127\.0\.0\.1:[0-9]*' "$REGISTRY_LOG" | tail -n 1 | sed 's/^listening on //')
  [[ -n $addr ]] && echo "$addr"
}

# Starts the registry on 127.0.0.1 on a port the kernel picks (never a fixed one: other processes
# share this machine), storage under $REGISTRY_DIR/data; prints its address.
start_registry() {
  if ! registry_bin >/dev/null; then
    command -v apt-get >/dev/null 2>&1 || die "docker-registry not found and no apt-get: install a Docker registry (distribution 2.x) as docker-registry on PATH"
    apt_install docker-registry
    hash -r
  fi
  local bin
  bin=$(registry_bin) || die "docker-registry not found after installing it"
  command -v curl >/dev/null 2>&1 || apt_install curl
  mkdir -p "$REGISTRY_DIR/data"
  cat >"$REGISTRY_DIR/config.yml" <<YML
version: 0.1
log:
  level: info
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $REGISTRY_DIR/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:0
YML
  : >"$REGISTRY_LOG"
  log "starting docker-registry on 127.0.0.1 (log: $REGISTRY_LOG)"
  setsid "$bin" serve "$REGISTRY_DIR/config.yml" </dev/null >>"$REGISTRY_LOG" 2>&1 9>&- &
  local pid=$!
  echo "$pid" >"$REGISTRY_PIDFILE"
  local deadline=$(($(now) + REGISTRY_TIMEOUT)) addr=
  while :; do
    if addr=$(registry_addr) && registry_ok "$addr"; then break; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 25 "$REGISTRY_LOG" >&2 || true
      rm -f "$REGISTRY_PIDFILE"
      die "docker-registry exited during start-up (full log: $REGISTRY_LOG)"
    fi
    if (($(now) >= deadline)); then
      tail -n 25 "$REGISTRY_LOG" >&2 || true
      stop_registry
      die "docker-registry did not answer within ${REGISTRY_TIMEOUT}s and was stopped again (full log: $REGISTRY_LOG)"
    fi
    sleep 0.2
  done
  log "docker-registry ready on $addr (pid $pid)"
  echo "$addr"
}

stop_registry() {
  local pid
  if ! pid=$(registry_pid); then
    rm -f "$REGISTRY_PIDFILE"
    return 0
  fi
  log "stopping docker-registry (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$(($(now) + 10))
  while kill -0 "$pid" 2>/dev/null; do
    if (($(now) >= deadline)); then
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.2
  done
  rm -f "$REGISTRY_PIDFILE"
}

# ensure_registry: reuses our running registry or starts one; prints its address.
ensure_registry() {
  local addr
  if registry_pid >/dev/null && addr=$(registry_addr) && registry_ok "$addr"; then
    log "reusing docker-registry on $addr (pid $(registry_pid))"
    echo "$addr"
    return 0
  fi
  stop_registry
  start_registry
}

# push_images ADDR: pushes both test images to the registry at ADDR as $REGISTRY_REPO:v1 / :v2
# (layers already there are not sent again) and drops tags left from registries of earlier runs.
push_images() {
  local addr=$1 ref old
  for old in $(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep -E "^127\.0\.0\.1:[0-9]+/$REGISTRY_REPO:" | grep -v "^$addr/" || true); do
    docker image rm "$old" >/dev/null 2>&1 || true
  done
  for tag in v1 v2; do
    ref="$addr/$REGISTRY_REPO:$tag"
    docker tag "molt-test/web:$tag" "$ref" || die "docker tag $ref failed"
    run_limited 120 docker push -q "$ref" >/dev/null || die "docker push $ref failed (registry log: $REGISTRY_LOG)"
  done
  log "pushed $REGISTRY_REPO:v1 and :v2 to $addr"
}

# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------

write_env_file() {
  local host=$1 kind=$2 registry=$3 tmpf
  tmpf=$(mktemp "$ENV_DIR/env.XXXXXX")
  {
    echo "# written by scripts/docker-env.sh up ($kind engine)"
    echo "export DOCKER_HOST=$host"
    echo "export MOLT_HAPROXY_BIN=$(haproxy_bin)"
    echo "export MOLT_TEST_IMAGE_V1=$IMAGE_V1"
    echo "export MOLT_TEST_IMAGE_V2=$IMAGE_V2"
    echo "export MOLT_TEST_REGISTRY=$registry"
  } >"$tmpf"
  chmod 644 "$tmpf"
  mv -f "$tmpf" "$ENV_FILE"
  printf '%s %s\n' "$kind" "$host" >"$ENGINE_FILE"
}

lock_state_dir() {
  mkdir -p "$ENV_DIR"
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$ENV_DIR/lock"
    flock -w 300 9 || die "another docker-env.sh holds $ENV_DIR/lock"
  fi
}

cmd_up() {
  lock_state_dir
  local t0 host kind
  t0=$(now)
  if host=$(find_external_engine); then
    kind=external
    log "using the pre-existing engine at $host ($(engine_version "$host"))"
    ensure_haproxy
  elif private_pid >/dev/null && engine_ok "$PRIVATE_HOST"; then
    kind=private
    host=$PRIVATE_HOST
    log "reusing the private dockerd (pid $(private_pid)) on $SOCK"
    ensure_haproxy
  else
    if private_pid >/dev/null; then
      # alive but not answering: a stuck daemon we own; restart it rather than start a second
      log "private dockerd (pid $(private_pid)) does not answer; restarting it"
      stop_private_engine
    fi
    kind=private
    host=$PRIVATE_HOST
    start_private_engine
  fi
  export DOCKER_HOST=$host
  ensure_images
  local registry
  registry=$(ensure_registry)
  push_images "$registry"
  write_env_file "$host" "$kind" "$registry"
  log "ready in $(($(now) - t0))s; use it with: source $ENV_FILE"
  cat "$ENV_FILE"
}

cmd_down() {
  lock_state_dir
  stop_registry
  stop_private_engine
  # both act only on marker files that our own start-up left
  remove_bridge
  restore_ip_forward
  if [[ -s $ENGINE_FILE ]] && [[ "$(cut -d' ' -f1 "$ENGINE_FILE")" == external ]]; then
    log "left the pre-existing engine $(cut -d' ' -f2 "$ENGINE_FILE") alone"
  fi
  rm -f "$ENV_FILE" "$ENGINE_FILE"
  if [[ ${1:-} == --purge ]]; then
    # never delete through a mount that dockerd left behind
    if grep -q " $ENV_DIR/" /proc/mounts 2>/dev/null; then
      die "mounts remain under $ENV_DIR; not purging it"
    fi
    rm -rf "$ENV_DIR"
    log "removed $ENV_DIR"
  fi
}

# Restarts the engine `up` chose and waits until it answers again. The private dockerd is stopped
# (SIGTERM: it stops its containers, as at a host shutdown) and started on the same data-root, so
# the containers come back Exited; nothing restarts them (Molt sets no restart policy).
cmd_restart() {
  lock_state_dir
  [[ -s $ENGINE_FILE ]] || die "no engine chosen yet: run '$0 up' first"
  local kind host t0
  kind=$(cut -d' ' -f1 "$ENGINE_FILE")
  host=$(cut -d' ' -f2 "$ENGINE_FILE")
  t0=$(now)
  if [[ $kind == private ]]; then
    private_pid >/dev/null || die "the private dockerd is not running: run '$0 up'"
    stop_private_engine
    start_private_engine
  elif [[ -n ${MOLT_DOCKER_RESTART_CMD:-} ]]; then
    log "restarting the external engine at $host: $MOLT_DOCKER_RESTART_CMD"
    bash -c "$MOLT_DOCKER_RESTART_CMD" >&2 || die "MOLT_DOCKER_RESTART_CMD failed"
    local deadline=$(($(now) + START_TIMEOUT))
    until engine_ok "$host"; do
      (($(now) < deadline)) || die "the engine at $host did not answer within ${START_TIMEOUT}s of its restart"
      sleep 0.2
    done
  else
    die "the engine at $host is not this script's (external): it restarts only its private one; set MOLT_DOCKER_RESTART_CMD (e.g. 'sudo systemctl restart docker') or MOLT_DOCKER_PRIVATE=1"
  fi
  log "engine at $host restarted in $(($(now) - t0))s"
}

cmd_status() {
  local rc=1 pid
  if [[ -n ${DOCKER_HOST:-} && ${DOCKER_HOST} != "$PRIVATE_HOST" ]]; then
    if engine_ok "$DOCKER_HOST"; then
      echo "DOCKER_HOST engine: reachable at $DOCKER_HOST (version $(engine_version "$DOCKER_HOST"))"
      rc=0
    else
      echo "DOCKER_HOST engine: NOT reachable at $DOCKER_HOST"
    fi
  fi
  if [[ -S $DEFAULT_SOCK ]] && engine_ok "unix://$DEFAULT_SOCK"; then
    echo "default engine: reachable at unix://$DEFAULT_SOCK (version $(engine_version "unix://$DEFAULT_SOCK"))"
    rc=0
  else
    echo "default engine: not reachable at unix://$DEFAULT_SOCK"
  fi
  if pid=$(private_pid); then
    if engine_ok "$PRIVATE_HOST"; then
      echo "private engine: running, pid $pid, $PRIVATE_HOST (version $(engine_version "$PRIVATE_HOST"))"
      rc=0
    else
      echo "private engine: pid $pid alive but NOT answering on $PRIVATE_HOST (log: $LOG)"
    fi
  else
    echo "private engine: not running (state dir $ENV_DIR)"
  fi
  if [[ -s $ENGINE_FILE ]]; then echo "chosen by last up: $(<"$ENGINE_FILE") (env file: $ENV_FILE)"; fi
  return $rc
}

case ${1:-} in
  up) cmd_up ;;
  down) cmd_down "${2:-}" ;;
  restart) cmd_restart ;;
  status) cmd_status ;;
  env) cat "$ENV_FILE" 2>/dev/null || die "no env file at $ENV_FILE: run '$0 up' first" ;;
  *)
    echo "usage: $0 up | down [--purge] | restart | status | env" >&2
    exit 2
    ;;
esac
