#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: started on a free port with its data in a
# temporary folder, and stopped and removed whatever happens. Usage: scripts/with-postgres.sh CMD...
set -euo pipefail

bindir=""
for candidate in /usr/lib/postgresql/*/bin; do
  [ -x "$candidate/initdb" ] && bindir="$candidate"
done
if [ -z "$bindir" ] && command -v pg_config >/dev/null; then
  bindir="$(pg_config --bindir)"
fi
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "PostgreSQL server binaries not found; installing Debian's postgresql package." >&2
  apt-get install -y postgresql >/dev/null
  for candidate in /usr/lib/postgresql/*/bin; do bindir="$candidate"; done
fi

# initdb refuses to run as root: run the server as the postgres user then.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir /nonexistent postgres
  as_owner=(runuser -u postgres --)
  owner=postgres
else
  as_owner=()
  owner="$(id -un)"
fi

workdir="$(mktemp -d)"
chown "$owner" "$workdir"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"

stop() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap stop EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$workdir/data" -A trust -E UTF8 --locale=C.UTF-8 -U postgres >/dev/null
"${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w \
  -o "-k $workdir -p $port -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null
"${as_owner[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres portal

echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port" >&2
DATABASE_URL="postgres://postgres@127.0.0.1:$port/portal" "$@"
