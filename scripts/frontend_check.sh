#!/usr/bin/env bash
# frontend_check.sh drives the original BunkaTopics React frontend against this
# service, served as in production: nginx with our nginx/bunka-dev.conf (the
# frontend on one port, the API under /api/, prefix stripped), the frontend's
# build served like its own web/nginx-configuration.conf. It uploads each
# corpus as a user would (file, column, "Process Topics"), waits for the map,
# checks what the map view drew, switches to the Bourdieu view with the
# frontend's default axes and checks what that drew. One line per corpus and
# view; exit status 1 when any check failed. See docs/FRONTEND.md.
#
# Usage: scripts/frontend_check.sh WEB_DIR [CSV[:COLUMN[:LANGUAGE]] ...]
#   WEB_DIR  the original's web/ folder (docs/FRONTEND.md says which commit
#            and how to extract it); built here with npm when WEB_DIR/build
#            is missing or was built for another API endpoint.
#   CSV...   default: the shared corpora (tweets_463, debian_en_2k,
#            debian_en_10k in $BUNKA_DATA, default ../shared/data) and
#            examples/debian_fr_1k.csv in French.
# Environment: BUNKA_BIN (a built bunka binary; default: go build),
#   REDIS_ADDR (default: bunka serve's embedded Redis), PORT (nginx, 8090),
#   BUNKA_SHOTS (folder for screenshots), BUNKA_CHROMIUM.
# Needs node/npm, nginx (apt-get install nginx-light) and chromium with
# playwright-core (scripts/get_browser.sh). Not part of make test.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

web=${1:?usage: scripts/frontend_check.sh WEB_DIR [CSV[:COLUMN[:LANGUAGE]] ...]}
web=$(cd "$web" && pwd)
shift
if (($# == 0)); then
	data=${BUNKA_DATA:-../shared/data}
	set -- "$data/tweets_463.csv:text:english" "$data/debian_en_2k.csv:text:english" \
		"$data/debian_en_10k.csv:text:english" "examples/debian_fr_1k.csv:text:french"
fi

for tool in node npm nginx; do
	command -v "$tool" >/dev/null || { echo "frontend_check: $tool is missing (nginx: apt-get install nginx-light)" >&2; exit 1; }
done
[[ -f "$web/public/index.html" ]] || {
	echo "frontend_check: $web/public/index.html is missing: the original's HEAD has no public/; extract commit 10850023 (docs/FRONTEND.md)" >&2
	exit 1
}
scripts/get_browser.sh >/dev/null

# The frontend, built as its Dockerfile does, with the API at /api (same origin).
endpoint=/api
if [[ ! -f "$web/build/index.html" || "$(cat "$web/build/.bunka-endpoint" 2>/dev/null)" != "$endpoint" ]]; then
	echo "building the frontend in $web (npm ci, react-scripts build)" >&2
	(cd "$web" && { [[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error; } &&
		REACT_APP_API_ENDPOINT=$endpoint npx react-scripts --openssl-legacy-provider build >&2)
	echo "$endpoint" >"$web/build/.bunka-endpoint"
fi

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
port=${PORT:-8090}
api_port=$(free_port)
front_port=$(free_port)

bin=${BUNKA_BIN:-}
if [[ -z "$bin" ]]; then
	go build -o "$work/bunka" ./cmd/bunka
	bin=$work/bunka
fi
BUNKA_DATA_DIR=$work/data "$bin" serve --addr "127.0.0.1:$api_port" >"$work/bunka.log" 2>&1 &
pids+=($!)

# nginx: the frontend's own server block, and ours with its ports moved.
mkdir -p "$work/nginx/logs"
sed -e "s/listen 80;/listen 127.0.0.1:$port;/" \
	-e "s#http://localhost:8080#http://127.0.0.1:$front_port#" \
	-e "s#http://localhost:8001#http://127.0.0.1:$api_port#" \
	nginx/bunka-dev.conf >"$work/nginx/bunka.conf"
sed -e "s/listen 80;/listen 127.0.0.1:$front_port;/" -e "s#/usr/share/nginx/html#$web/build#" \
	"$web/nginx-configuration.conf" >"$work/nginx/front.conf"
cat >"$work/nginx/nginx.conf" <<EOF
worker_processes 1;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 256; }
http {
	include /etc/nginx/mime.types;
	access_log $work/nginx/logs/access.log;
	client_body_temp_path $work/nginx/body;
	proxy_temp_path $work/nginx/proxy;
	fastcgi_temp_path $work/nginx/fastcgi;
	uwsgi_temp_path $work/nginx/uwsgi;
	scgi_temp_path $work/nginx/scgi;
	include $work/nginx/front.conf;
	include $work/nginx/bunka.conf;
}
EOF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -g 'daemon off;' &
pids+=($!)

for _ in $(seq 120); do
	curl -fs "http://127.0.0.1:$port/api/readyz" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
	sleep 1
done
curl -fs "http://127.0.0.1:$port/api/readyz" >/dev/null || { echo "frontend_check: the service did not start" >&2; tail -20 "$work/bunka.log" >&2; exit 1; }

status=0
node scripts/browser/frontend.mjs "http://127.0.0.1:$port/" "$@" || status=$?
if ((status != 0)); then
	echo "--- service log (errors and warnings) ---" >&2
	grep -E '"level":"(ERROR|WARN)"' "$work/bunka.log" | tail -20 >&2 || true
fi
exit $status
