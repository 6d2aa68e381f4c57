#!/usr/bin/env bash
# The benchmark of docs/performance.md: for each client count, the floor ('xds-load raw') and pilot4j, one after
# the other on a freshly written workload, each run by 'xds-load run' with its pid for /proc and jcmd; then a
# Markdown table of pilot4j beside the floor, with ratios.
#
#   xds-load/bench.sh                              # 100, 1000 and 2000 SotW clients, 20 changes 2 s apart
#   xds-load/bench.sh -n "1000" -m delta -b        # delta, with the burst (5 changes/s for 10 s)
#   xds-load/bench.sh -n "100" -s pilot4j -p       # pilot4j only, with a JFR recording of the server
#
#   -n "N ..."   client counts (default "100 1000 2000")
#   -s "S ..."   servers, in order: raw, pilot4j (default "raw pilot4j")
#   -m MODE      sotw or delta (default sotw)
#   -c COUNT     single changes 2 s apart (default 20)
#   -b           add the burst: 5 changes/s for 10 s, then 3 single changes
#   -p           record the server with JFR (profile settings) into OUT/N-SERVER.jfr
#   -o OUT       output directory (default target/bench under xds-load)
# Environment: SERVER_HEAP (default 1g, -Xms and -Xmx of both servers), LOAD_HEAP (default 6g), SERVICES (1000),
# ENDPOINTS (10), CHANGE_INTERVAL (2s), PORT (25010), HTTP_PORT (28080), EXTRA_RUN_ARGS (more 'xds-load run' flags).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/xds-load/target/xds-load.jar"
clients="100 1000 2000"; servers="raw pilot4j"; mode=sotw; changes=20; burst=""; profile=""
out="$root/xds-load/target/bench"
while getopts "n:s:m:c:bpo:" opt; do
  case "$opt" in
    n) clients="$OPTARG" ;; s) servers="$OPTARG" ;; m) mode="$OPTARG" ;; c) changes="$OPTARG" ;;
    b) burst="--burst-rate 5 --burst-duration 10s --after-burst-changes 3" ;; p) profile=1 ;; o) out="$OPTARG" ;;
    *) sed -n '2,22p' "$0"; exit 2 ;;
  esac
done
heap="${SERVER_HEAP:-1g}"; port="${PORT:-25010}"; http_port="${HTTP_PORT:-28080}"
mkdir -p "$out"
if [[ ! -f "$jar" || ! -f "$root/discovery-server/target/pilot4j-discovery.jar" ]]; then
  (cd "$root" && ./mvnw -q -B -DskipTests package -pl xds-load,discovery-server -am)
fi

server_pid=""
stop_server() {
  if [[ -n "$server_pid" ]]; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
  fi
}
trap stop_server EXIT

start_server() { # $1 server, $2 config dir, $3 log, $4 jfr file or ""
  local opts="-Xms$heap -Xmx$heap"
  [[ -n "$4" ]] && opts="$opts -XX:StartFlightRecording=filename=$4,settings=profile,dumponexit=true"
  case "$1" in
    raw)
      # Room for what is in flight: each push writes a ~0.4 MB EDS response to every stream at once, held in Netty's
      # direct buffers until the socket takes it (2,000 clients: 0.85 GB); the JVM's default cap is the heap size.
      java $opts -XX:MaxDirectMemorySize=6g -jar "$jar" raw --config-dir "$2" --port "$port" >"$3" 2>&1 &
      server_pid=$!
      for _ in $(seq 1 120); do grep -q "floor: serving" "$3" && return 0; sleep 0.5; done ;;
    pilot4j)
      JAVA_OPTS="$opts" "$root/scripts/discovery" --configDir "$2" --meshConfig "$root/config/mesh.json" \
        --grpcAddr "127.0.0.1:$port" --httpAddr "127.0.0.1:$http_port" >"$3" 2>&1 &
      server_pid=$!
      for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$http_port/ready" >/dev/null && return 0; sleep 0.5; done ;;
    *) echo "unknown server $1 (want raw or pilot4j)" >&2; exit 2 ;;
  esac
  echo "$1 did not become ready; see $3" >&2
  exit 1
}

for n in $clients; do
  for server in $servers; do
    dir="$out/workload-$n-$server"
    rm -rf "$dir"
    java -jar "$jar" workload --services "${SERVICES:-1000}" --endpoints "${ENDPOINTS:-10}" --out "$dir" >/dev/null
    jfr=""; [[ -n "$profile" ]] && jfr="$out/$n-$server-$mode.jfr"
    start_server "$server" "$dir" "$out/$n-$server-$mode.server.log" "$jfr"
    echo "== $server, $n $mode clients; $(uptime)" | tee -a "$out/load.txt"
    status=0
    java "-Xmx${LOAD_HEAP:-6g}" -jar "$jar" run --target "127.0.0.1:$port" --clients "$n" --mode "$mode" --config-dir "$dir" \
      --changes "$changes" --change-interval "${CHANGE_INTERVAL:-2s}" --server-pid "$server_pid" --label "$server" \
      --json "$out/$n-$server-$mode.json" $burst ${EXTRA_RUN_ARGS:-} | tee "$out/$n-$server-$mode.txt" || status=$?
    echo "   after: $(uptime) (exit $status)" | tee -a "$out/load.txt"
    stop_server
  done
  if [[ -f "$out/$n-raw-$mode.json" && -f "$out/$n-pilot4j-$mode.json" ]]; then
    java -jar "$jar" compare --floor "$out/$n-raw-$mode.json" --server "$out/$n-pilot4j-$mode.json" | tee "$out/$n-$mode-compare.md"
  fi
done
