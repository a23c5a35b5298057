#!/usr/bin/env bash
# Runs a throwaway Redis for socketio-server.js in the foreground: loopback
# only, no RDB snapshots, no AOF, logs on stdout. Stop it with SIGTERM.
#
#   bash bench/peers/redis.sh PORT
#
# It is exactly this command line (what the Java harness runs itself):
#   redis-server --port PORT --bind 127.0.0.1 --save '' --appendonly no --daemonize no
# Port 0 does not mean "any free port" to Redis (it turns TCP off): pick one.
set -euo pipefail
port="${1:?usage: redis.sh PORT}"
exec redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no
