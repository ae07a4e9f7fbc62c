#!/usr/bin/env bash
# ferry serve against the kernel's own servers, back to back under the same pinning (see
# BENCHMARKS.md, "ferry serve vs the kernel"). Run as root from anywhere:
#
#   e2e/bench/serve-vs-kernel.sh [--duration S] [--rounds N] [--conns C] [--fifo] [--ferry-args "..."]
#
# --ferry-args passes options to both `ferry serve` processes (e.g. "--coalesce-us 0").
#
# Two namespaces joined by a veth pair (198.18.100.0/24, the benchmarking range): a "pod" whose
# servers are pinned to CPU 1 and a "client" pinned to CPU 0. Kernel side: nginx (one worker) for
# HTTP and `sockperf server` for round trips; Ferry side: `ferry serve --mode http` and
# `--mode sockperf` (which replies exactly as sockperf's server does). Each measurement runs
# kernel then Ferry, N rounds, and the table shows medians.
#
# CPU: "total" is the whole machine's busy time from /proc/stat over the run (client, server and
# the softirqs that move the packets; also anything else running on this machine, so note the load
# average); "server" is the server processes' own CPU time from the scheduler (schedstat, exact).
# --fifo runs the clients, the kernel servers and Ferry's shard thread (only it: the JIT and GC
# threads stay normal) SCHED_FIFO 50, so that other work on a shared machine does not decide the
# result (the kernel keeps 5% of each second for everything else). Ferry's JIT is warmed up at normal
# priority before its shard thread goes FIFO (e2e/bench/jit-warm.sh says why), and the compilers'
# CPU during each measured run is listed with the rounds. Everything is removed on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
DURATION=10
ROUNDS=3
CONNS=50
FIFO=0
FERRY_ARGS=""
while [ $# -gt 0 ]; do
    case "$1" in
        --duration) DURATION=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --conns) CONNS=$2; shift 2 ;;
        --fifo) FIFO=1; shift ;;
        --ferry-args) FERRY_ARGS=$2; shift 2 ;;
        *) echo "usage: $0 [--duration S] [--rounds N] [--conns C] [--fifo] [--ferry-args \"...\"]" >&2; exit 2 ;;
    esac
done
for tool in nginx sockperf wrk ip taskset nft; do
    command -v "$tool" >/dev/null || { echo "needs $tool: ./ferry deps" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "run as root (namespaces, AF_PACKET, nftables)" >&2; exit 1; }

JAR=sidecar/target/ferry.jar
if [ ! -f "$JAR" ] || [ -n "$(find tcp-engine afpacket-io sidecar -newer "$JAR" -name '*.java' -print -quit)" ]; then
    echo "building ferry..." >&2
    ./mvnw -q -B -pl sidecar -am package -DskipTests >&2
fi

# shellcheck source=e2e/bench/pod-and-client.sh
. e2e/bench/pod-and-client.sh
# shellcheck source=e2e/bench/jit-warm.sh
. e2e/bench/jit-warm.sh
pod_and_client bench

# Arrays, not functions: a server started as "${IN_POD[@]}" cmd & has $! = its own pid (ip netns
# exec and taskset exec what follows), which the CPU accounting below needs.
PRIO=()
[ "$FIFO" = 1 ] && PRIO=(chrt -f 50)
IN_POD=(ip netns exec "$POD" taskset -c 1)
IN_CLIENT=(ip netns exec "$CLI" taskset -c 0 "${PRIO[@]}")

# Ports: the kernel servers and Ferry listen side by side on the pod address.
NGINX_PORT=8080
FERRY_HTTP_PORT=8081
SOCKPERF_PORT=11111
FERRY_SOCKPERF_PORT=11112

cat > "$WORK/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 16384; }
http {
    access_log off;
    keepalive_requests 100000000;
    server {
        listen $POD_IP:$NGINX_PORT backlog=16384;
        location / { default_type text/plain; return 200 "abcde\n"; }
    }
}
EOF

start() { # name command... ; the pid is the command's own (ip netns exec and taskset exec it)
    local name=$1
    shift
    "$@" >"$WORK/$name.log" 2>&1 &
    PIDS+=($!)
    echo $! >"$WORK/$name.pid"
}
stop() {
    local pid
    pid=$(cat "$WORK/$1.pid")
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}
# With --fifo, raises the shard thread of a running ferry serve to SCHED_FIFO 50.
fifo_shard() { # name
    [ "$FIFO" = 1 ] || return 0
    fifo_ferry "$(cat "$WORK/$1.pid")"
}
await_port() { # port
    for _ in $(seq 1 200); do
        ip netns exec "$CLI" bash -c "exec 3<>/dev/tcp/$POD_IP/$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "nothing listens on $POD_IP:$1" >&2
    exit 1
}

# CPU time of a process and its threads in ns, from the scheduler's own accounting.
task_ns() {
    local pid sum=0 f
    for pid in "$@"; do
        for f in /proc/"$pid"/task/*/schedstat; do
            [ -r "$f" ] && sum=$((sum + $(cut -d' ' -f1 "$f")))
        done
    done
    echo "$sum"
}
# The machine's busy and total time in USER_HZ ticks (idle and iowait are not busy).
machine_ticks() { awk '/^cpu /{ total=0; for (i=2; i<=NF; i++) total+=$i; print total-$5-$6, total }' /proc/stat; }
server_pids() { # name -> the pids whose CPU counts as the server's
    case $1 in
        nginx) echo "$(cat "$WORK/nginx.pid")" $(pgrep -P "$(cat "$WORK/nginx.pid")" || true) ;;
        *) cat "$WORK/$1.pid" ;;
    esac
}

# Runs a client command while measuring; sets OUT (its output), BUSY_S, SERVER_S, WALL_S and JIT_MS
# (CPU of the server's JIT compilers: 0 for the kernel's servers, ~0 for a warm Ferry).
measure() { # server-name command...
    local server=$1
    shift
    local pids b0 t0 b1 t1 s0 s1 w0 w1 j0 j1
    pids=$(server_pids "$server")
    read -r b0 t0 < <(machine_ticks)
    # shellcheck disable=SC2086
    s0=$(task_ns $pids)
    # shellcheck disable=SC2086
    j0=$(jit_ns $pids)
    w0=$(date +%s%N)
    OUT=$("$@" 2>&1)
    w1=$(date +%s%N)
    # shellcheck disable=SC2086
    j1=$(jit_ns $pids)
    # shellcheck disable=SC2086
    s1=$(task_ns $pids)
    read -r b1 t1 < <(machine_ticks)
    JIT_MS=$(((j1 - j0) / 1000000))
    BUSY_S=$(awk -v b=$((b1 - b0)) 'BEGIN { printf "%.3f", b / 100 }')
    SERVER_S=$(awk -v s=$((s1 - s0)) 'BEGIN { printf "%.3f", s / 1e9 }')
    WALL_S=$(awk -v w=$((w1 - w0)) 'BEGIN { printf "%.3f", w / 1e9 }')
}

wrk_requests() { sed -n 's/^ *\([0-9][0-9]*\) requests in.*/\1/p' <<<"$OUT"; }
wrk_errors() { grep -E "Socket errors|Non-2xx" <<<"$OUT" | tr '\n' ' ' || true; }
sockperf_pct() { sed -n "s/.*percentile $1 = *\([0-9.]*\).*/\1/p" <<<"$OUT"; }
# Replies per second over the measured part of the run (after sockperf's warm-up).
sockperf_rate() {
    sed -n 's/.*\[Valid Duration\] RunTime=\([0-9.]*\) sec.*ReceivedMessages=\([0-9]*\).*/\1 \2/p' <<<"$OUT" |
        awk '{ printf "%.0f", $2 / $1 }'
}

declare -A R # results: R[key] = "v1 v2 v3" over rounds
add() { R[$1]="${R[$1]:-} $2"; }
median() { tr ' ' '\n' <<<"$1" | grep -v '^$' | sort -g | awk '{ v[NR]=$1 } END { if (NR == 0) print "n/a"; else print v[int((NR + 1) / 2)] }'; }

http_run() { # label server port extra-wrk-args...
    local label=$1 server=$2 port=$3
    shift 3
    measure "$server" "${IN_CLIENT[@]}" wrk -t1 -c"$CONNS" -d"${DURATION}s" "$@" "http://$POD_IP:$port/"
    local n errors
    n=$(wrk_requests)
    errors=$(wrk_errors)
    [ -n "$errors" ] && echo "  $label: $errors" >&2
    add "$label.rate" "$(awk -v n="$n" -v w="$WALL_S" 'BEGIN { printf "%.0f", n / w }')"
    add "$label.total_ms_per_1k" "$(awk -v n="$n" -v b="$BUSY_S" 'BEGIN { printf "%.2f", b / n * 1e6 }')"
    add "$label.server_ms_per_1k" "$(awk -v n="$n" -v s="$SERVER_S" 'BEGIN { printf "%.2f", s / n * 1e6 }')"
    add "$label.jit_ms" "$JIT_MS"
}
rr_run() { # label server port extra-sockperf-args...
    local label=$1 server=$2 port=$3
    shift 3
    measure "$server" "${IN_CLIENT[@]}" sockperf ping-pong --tcp -i "$POD_IP" -p "$port" -m 64 -t "$DURATION" "$@"
    add "$label.p50" "$(sockperf_pct 50.000)"
    add "$label.p99" "$(sockperf_pct 99.000)"
    add "$label.rate" "$(sockperf_rate)"
    add "$label.server_cpu_pct" "$(awk -v s="$SERVER_S" -v w="$WALL_S" 'BEGIN { printf "%.1f", s / w * 100 }')"
    add "$label.total_cpu_pct" "$(awk -v b="$BUSY_S" -v w="$WALL_S" 'BEGIN { printf "%.1f", b / w * 100 }')"
    add "$label.jit_ms" "$JIT_MS"
}
idle_cpu() { # label server: the server's CPU while nothing at all comes in
    local t0 t1
    # shellcheck disable=SC2046
    t0=$(task_ns $(server_pids "$2"))
    sleep 5
    # shellcheck disable=SC2046
    t1=$(task_ns $(server_pids "$2"))
    add "$1.idle_cpu_pct" "$(awk -v s=$((t1 - t0)) 'BEGIN { printf "%.2f", s / 5e9 * 100 }')"
}

# shellcheck disable=SC2206 # FERRY_ARGS is a list of options, split on purpose
FERRY=("${IN_POD[@]}" "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$JAR" serve --interface veth0 --stats-ms 0 $FERRY_ARGS)
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
echo "# $(date -u +%FT%TZ) $(uname -r), $(nproc) vCPU, load average $LOAD_BEFORE; client CPU 0, servers CPU 1;" \
    "${DURATION}s x $ROUNDS rounds, wrk -c $CONNS, priority ${PRIO[*]:-normal}, ferry serve options: ${FERRY_ARGS:-defaults}" >&2

# ---- round trips: sockperf ping-pong, 64-byte messages, at 1,000/s (light) and as fast as it goes
start sockperf-server "${IN_POD[@]}" "${PRIO[@]}" sockperf server --tcp -i "$POD_IP" -p "$SOCKPERF_PORT"
start ferry-sockperf "${FERRY[@]}" --port "$FERRY_SOCKPERF_PORT" --mode sockperf
await_port "$SOCKPERF_PORT"
await_port "$FERRY_SOCKPERF_PORT"
# Warm both (the JIT compiles Ferry's path first, with its shard thread still at normal priority),
# then let everything settle before the idle reading.
warm_jit "$(cat "$WORK/ferry-sockperf.pid")" \
    "${IN_CLIENT[@]}" sockperf ping-pong --tcp -i "$POD_IP" -p "$FERRY_SOCKPERF_PORT" -m 64 -t 3
fifo_shard ferry-sockperf
"${IN_CLIENT[@]}" sockperf ping-pong --tcp -i "$POD_IP" -p "$SOCKPERF_PORT" -m 64 -t 2 >/dev/null 2>&1
sleep 2
idle_cpu kernel sockperf-server
idle_cpu ferry ferry-sockperf
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round: round trips" >&2
    rr_run kernel.rr_light sockperf-server "$SOCKPERF_PORT" --mps 1000
    rr_run ferry.rr_light ferry-sockperf "$FERRY_SOCKPERF_PORT" --mps 1000
    rr_run kernel.rr_max sockperf-server "$SOCKPERF_PORT"
    rr_run ferry.rr_max ferry-sockperf "$FERRY_SOCKPERF_PORT"
done
stop ferry-sockperf
stop sockperf-server

# ---- HTTP: keep-alive requests, and one request per connection (Connection: close)
start nginx "${IN_POD[@]}" "${PRIO[@]}" nginx -c "$WORK/nginx.conf"
start ferry-http "${FERRY[@]}" --port "$FERRY_HTTP_PORT" --mode http --body-bytes 6
await_port "$NGINX_PORT"
await_port "$FERRY_HTTP_PORT"
http_warm() { # port: both kinds of traffic the rounds will send
    "${IN_CLIENT[@]}" wrk -t1 -c"$CONNS" -d2s "http://$POD_IP:$1/"
    "${IN_CLIENT[@]}" wrk -t1 -c"$CONNS" -d2s -H "Connection: close" "http://$POD_IP:$1/"
}
warm_jit "$(cat "$WORK/ferry-http.pid")" http_warm "$FERRY_HTTP_PORT"
fifo_shard ferry-http
http_warm "$NGINX_PORT" >/dev/null
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round: http" >&2
    http_run kernel.keepalive nginx "$NGINX_PORT"
    http_run ferry.keepalive ferry-http "$FERRY_HTTP_PORT"
    http_run kernel.close nginx "$NGINX_PORT" -H "Connection: close"
    http_run ferry.close ferry-http "$FERRY_HTTP_PORT" -H "Connection: close"
done
stop ferry-http
stop nginx
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the table (medians over the rounds)
m() { median "${R[$1]:-}"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "n/a" || b == "n/a" || a + 0 == 0) print "n/a"; else printf "%.2f", b / a }'; }
row() { # label kernel-key ferry-key unit
    local k f
    k=$(m "$2")
    f=$(m "$3")
    printf '| %s | %s | %s | %s |\n' "$1" "$k" "$f" "$(ratio "$k" "$f")"
}
echo
echo "Load average: $LOAD_BEFORE before, $LOAD_AFTER after. Medians of $ROUNDS rounds of ${DURATION}s;" \
    "priority ${PRIO[*]:-normal}."
echo
echo "| measure | kernel | ferry | ferry / kernel |"
echo "|---|---|---|---|"
row "server CPU when idle (%)" kernel.idle_cpu_pct ferry.idle_cpu_pct
row "RR 64 B at 1,000/s: p50 (µs)" kernel.rr_light.p50 ferry.rr_light.p50
row "RR 64 B at 1,000/s: p99 (µs)" kernel.rr_light.p99 ferry.rr_light.p99
row "RR 64 B at 1,000/s: server CPU (%)" kernel.rr_light.server_cpu_pct ferry.rr_light.server_cpu_pct
row "RR 64 B ping-pong max: p50 (µs)" kernel.rr_max.p50 ferry.rr_max.p50
row "RR 64 B ping-pong max: p99 (µs)" kernel.rr_max.p99 ferry.rr_max.p99
row "RR 64 B ping-pong max: round trips/s" kernel.rr_max.rate ferry.rr_max.rate
row "keep-alive requests/s (wrk -c $CONNS)" kernel.keepalive.rate ferry.keepalive.rate
row "keep-alive: machine CPU per 1k requests (ms)" kernel.keepalive.total_ms_per_1k ferry.keepalive.total_ms_per_1k
row "keep-alive: server CPU per 1k requests (ms)" kernel.keepalive.server_ms_per_1k ferry.keepalive.server_ms_per_1k
row "Connection: close, connections/s" kernel.close.rate ferry.close.rate
row "Connection: close: machine CPU per 1k (ms)" kernel.close.total_ms_per_1k ferry.close.total_ms_per_1k
row "Connection: close: server CPU per 1k (ms)" kernel.close.server_ms_per_1k ferry.close.server_ms_per_1k
echo
echo "All rounds (*.jit_ms: CPU Ferry's JIT compilers used during that run; much of it means part of"
echo "the run measured code that was not compiled yet):"
for key in $(printf '%s\n' "${!R[@]}" | sort); do echo "  $key:${R[$key]}"; done
