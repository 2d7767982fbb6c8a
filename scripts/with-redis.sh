#!/usr/bin/env bash
# Run a command with a throwaway Redis on a free loopback port as the cache (CACHE_URL), stopped
# afterwards whatever happens. Installs Debian's redis-server when it is missing.
# Usage: scripts/with-redis.sh CMD...
set -euo pipefail

if ! command -v redis-server >/dev/null; then
    echo "Installing redis-server with apt" >&2
    sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get install -y -qq redis-server >/dev/null \
        || $sudo sh -c "apt-get update -qq && apt-get install -y -qq redis-server >/dev/null"
fi
workdir="$(mktemp -d)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --dir "$workdir" \
    --maxmemory-policy volatile-lru --daemonize yes --pidfile "$workdir/redis.pid" --logfile "$workdir/redis.log"
stop() {
    kill "$(cat "$workdir/redis.pid" 2>/dev/null)" 2>/dev/null || true
    rm -rf "$workdir"
}
trap stop EXIT
for _ in $(seq 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break
    sleep 0.1
done
echo "Redis $(redis-server --version | awk '{print $3}') on 127.0.0.1:$port" >&2
CACHE_URL="redis://127.0.0.1:$port/0" "$@"
