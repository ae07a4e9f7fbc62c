#!/usr/bin/env bash
# Two `ferry serve` variants side by side on one veth, measured in alternation (see BENCHMARKS.md):
# two builds (--a-jar/--b-jar) or two option sets (--a-args/--b-args). Run as root:
#
#   e2e/bench/serve-ab.sh [--a-jar JAR] [--b-jar JAR] [--a-args "..."] [--b-args "..."]
#                         [--rounds N] [--duration S] [--close]
#
# Both serve HTTP on the pod address (ports 8081 and 8082), their shard threads pinned to CPU 1 and,
# after a JIT warm-up at normal priority (e2e/bench/jit-warm.sh), SCHED_FIFO 50. `wrk -t1 -c50`
# runs from CPU 0 (SCHED_FIFO 50), A then B in every round, so slow drifts of a shared machine hit
# both alike. --close sends "Connection: close" (one request per connection). Per run: requests/s,
# the machine's busy time per 1k requests (/proc/stat) and the server process's own CPU per request
# (/proc/PID/stat, 10 ms ticks). The unused variant idles meanwhile; its filter still sees (and
# rejects) every frame, which costs both variants the same.
set -euo pipefail
cd "$(dirname "$0")/../.."
export JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
JAR_A=sidecar/target/ferry.jar
JAR_B=sidecar/target/ferry.jar
ARGS_A=""
ARGS_B=""
ROUNDS=5
DURATION=8
WRK_EXTRA=()
while [ $# -gt 0 ]; do
    case "$1" in
        --a-jar) JAR_A=$2; shift 2 ;;
        --b-jar) JAR_B=$2; shift 2 ;;
        --a-args) ARGS_A=$2; shift 2 ;;
        --b-args) ARGS_B=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --duration) DURATION=$2; shift 2 ;;
        --close) WRK_EXTRA=(-H "Connection: close"); shift ;;
        *) echo "usage: $0 [--a-jar JAR] [--b-jar JAR] [--a-args \"...\"] [--b-args \"...\"] [--rounds N] [--duration S] [--close]" >&2; exit 2 ;;
    esac
done
for tool in wrk ip taskset chrt; do
    command -v "$tool" >/dev/null || { echo "needs $tool: ./ferry deps" >&2; exit 1; }
done
[ "$(id -u)" -eq 0 ] || { echo "run as root (namespaces, AF_PACKET, nftables)" >&2; exit 1; }
for jar in "$JAR_A" "$JAR_B"; do
    [ -f "$jar" ] || { echo "no $jar: build it (./mvnw -q -pl sidecar -am package -DskipTests)" >&2; exit 1; }
done

# shellcheck source=e2e/bench/pod-and-client.sh
. e2e/bench/pod-and-client.sh
# shellcheck source=e2e/bench/jit-warm.sh
. e2e/bench/jit-warm.sh
pod_and_client ab

serve() { # port jar args -> pid
    # shellcheck disable=SC2086 # the options are a list, split on purpose
    ip netns exec "$POD" taskset -c 1 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -jar "$2" \
        serve --interface veth0 --port "$1" --mode http --stats-ms 0 $3 >"$WORK/serve-$1.log" 2>&1 &
    echo $!
}
PID_A=$(serve 8081 "$JAR_A" "$ARGS_A")
PID_B=$(serve 8082 "$JAR_B" "$ARGS_B")
PIDS+=("$PID_A" "$PID_B")
for port in 8081 8082; do
    for _ in $(seq 1 200); do
        ip netns exec "$CLI" bash -c "exec 3<>/dev/tcp/$POD_IP/$port" 2>/dev/null && break
        sleep 0.1
    done
done
grep -h warning "$WORK"/serve-*.log >&2 || true

busy_ticks() { awk '/^cpu /{ t = 0; for (i = 2; i <= NF; i++) t += $i; print t - $5 - $6 }' /proc/stat; }
# The process's user + system time in ns, exited threads included (threads come and go in a JVM).
task_ns() { awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%.0f", ($12 + $13) / hz * 1e9 }' /proc/"$1"/stat; }
run() { # port pid seconds -> "req/s machine-ms/1k server-µs/req"
    local b0 b1 s0 s1 out n
    b0=$(busy_ticks)
    s0=$(task_ns "$2")
    out=$(ip netns exec "$CLI" taskset -c 0 chrt -f 50 wrk -t1 -c50 -d"$3"s "${WRK_EXTRA[@]}" "http://$POD_IP:$1/" 2>&1)
    s1=$(task_ns "$2")
    b1=$(busy_ticks)
    n=$(sed -n 's/^ *\([0-9][0-9]*\) requests in.*/\1/p' <<<"$out")
    awk -v n="$n" -v b=$((b1 - b0)) -v s=$((s1 - s0)) -v d="$3" \
        'BEGIN { printf "%7.0f req/s %6.2f ms/1k %5.2f µs/req", n / d, b / 100 / n * 1e6, s / n / 1e3 }'
}
warm_jit "$PID_A" run 8081 "$PID_A" 3
warm_jit "$PID_B" run 8082 "$PID_B" 3
fifo_ferry "$PID_A"
fifo_ferry "$PID_B"
echo "A: $JAR_A ${ARGS_A:-(defaults)}"
echo "B: $JAR_B ${ARGS_B:-(defaults)}"
for round in $(seq 1 "$ROUNDS"); do
    echo "round $round  A: $(run 8081 "$PID_A" "$DURATION")   B: $(run 8082 "$PID_B" "$DURATION")"
done
