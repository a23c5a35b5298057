#!/usr/bin/env bash
# Installs what the benchmark peers need: Debian's redis-server (for the
# Socket.IO Redis Streams adapter) and the pinned npm packages of this folder.
# Idempotent; meant to run as root (apt-get). Node.js >= 18 and npm must already
# be on PATH (they are part of the machine).
#
#   bash bench/peers/install.sh
#
# REDIS_DEB_VERSION overrides the pinned Debian version of redis-server.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# The version that `apt-cache policy redis-server` shows on Debian 12 (bookworm).
# redis-server depends on redis-tools of exactly its own version, so both are
# installed with this pin together: pinning redis-server alone makes apt pick
# the newest redis-tools (a security update, deb12u10, ...) and refuse. When the
# mirror no longer has the pin at all, we say so on stderr and take the
# candidate of both instead of failing the whole bench install.
# Set REDIS_DEB_VERSION to move the pin.
REDIS_DEB_VERSION="${REDIS_DEB_VERSION:-5:7.0.15-1~deb12u7}"

log() { echo "install.sh: $*" >&2; }

need() {
  command -v "$1" >/dev/null 2>&1 || { log "$1 not on PATH: $2"; exit 1; }
}

# The package version apt knows (madison lists every version in the lists).
apt_has_version() {
  apt-cache madison redis-server 2>/dev/null | awk -F'|' '{gsub(/ /,"",$2); print $2}' | grep -qxF "$1"
}

install_redis() {
  if command -v redis-server >/dev/null 2>&1; then
    log "redis-server already installed: $(redis-server --version)"
    return
  fi
  need apt-get "this script installs redis-server with apt-get (Debian)"
  export DEBIAN_FRONTEND=noninteractive
  if ! apt_has_version "$REDIS_DEB_VERSION"; then
    apt-get update -q >&2
  fi
  local spec=("redis-server=$REDIS_DEB_VERSION" "redis-tools=$REDIS_DEB_VERSION")
  if ! apt_has_version "$REDIS_DEB_VERSION"; then
    log "redis-server $REDIS_DEB_VERSION is not in apt's lists any more; installing the candidate instead:"
    apt-cache policy redis-server >&2 || true
    spec=(redis-server redis-tools)
  fi
  # The package's postinst would start a system redis on 6379; the harness
  # starts its own throwaway servers, so keep services from starting while
  # apt runs (the usual policy-rc.d way), unless the machine already does.
  local made_policy=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  local rc=0
  apt-get install -y -q --no-install-recommends --allow-downgrades "${spec[@]}" >&2 || rc=$?
  if [[ -n "$made_policy" ]]; then rm -f /usr/sbin/policy-rc.d; fi
  if [[ $rc -ne 0 ]]; then log "apt-get install ${spec[*]} failed ($rc)"; exit "$rc"; fi
  log "installed $(redis-server --version)"
}

install_npm() {
  need node "install Node.js >= 18"
  need npm "install npm"
  # npm ci installs exactly package-lock.json (and removes a stale node_modules).
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error >&2)
  log "npm packages installed in $here/node_modules"
}

install_redis
install_npm
