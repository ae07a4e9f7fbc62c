#!/usr/bin/env bash
# Packet-to-user latency of the RX ring options (see BENCHMARKS.md). Run as root from the repository
# root after `./mvnw -q -pl afpacket-io -am package -DskipTests`. Creates two namespaces joined by a
# veth pair (198.18.0.0/24, the benchmarking range), pins the receiver to CPU 1 and the kernel
# sender to CPU 0, and removes everything on exit. The sender, the kernel-socket receiver and the
# shard thread (only it: JIT and GC threads would otherwise hold the CPU for whole compilations) run
# SCHED_FIFO so that other work on a shared machine does not decide the result; PRIO=0 runs
# everything at normal priority. (nice -20 does not help where other work sits in other cgroups.)
set -euo pipefail
cd "$(dirname "$0")/../.."
JAVA_HOME=${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}
CP=afpacket-io/target/classes:tcp-engine/target/classes
L=ferry-bench-$$-l
P=ferry-bench-$$-p
cleanup() { ip netns del "$L" 2>/dev/null || true; ip netns del "$P" 2>/dev/null || true; }
trap cleanup EXIT
ip netns add "$L"; ip netns add "$P"
ip link add veth0 netns "$L" type veth peer name veth1 netns "$P"
ip -n "$L" addr add 198.18.0.1/24 dev veth0; ip -n "$L" link set veth0 up; ip -n "$L" link set lo up
ip -n "$P" addr add 198.18.0.2/24 dev veth1; ip -n "$P" link set veth1 up; ip -n "$P" link set lo up
ip netns exec "$P" ping -c1 -W2 198.18.0.1 >/dev/null

SENDER=afpacket-io/tools/udp-sender.py
if [ "${PRIO:-1}" = 1 ]; then PRIO=(chrt -f 50); FIFO=(--fifo 50); else PRIO=(); FIFO=(); fi
echo "# $(date -u +%FT%TZ) $(uname -r) $(nproc) vCPU; load average: $(cut -d' ' -f1-3 /proc/loadavg); priority: ${PRIO[*]:-normal}"
# name interval_us count
LOADS=("1/10ms 10000 500" "1/100us 100 20000" "back-to-back 0 50000")
CONFIGS=(
  "retire-only tov=1ms|--mode retire --tov 1"
  "retire-only tov=10ms|--mode retire --tov 10"
  "peek+spin200us tov=10|--mode peek --tov 10 --spin-us 200"
  "peek+doorbell tov=10|--mode peek --tov 10 --doorbell"
  "peek+doorbell+spin200us|--mode peek --tov 10 --doorbell --spin-us 200"
)
for load in "${LOADS[@]}"; do
  read -r lname interval count <<<"$load"
  echo "== load: $lname"
  # Kernel baseline: a blocking UDP socket in the same place.
  ip netns exec "$L" "${PRIO[@]}" taskset -c 1 /usr/bin/python3 afpacket-io/tools/udp-receiver.py 198.18.0.1 9999 "$count" > /tmp/ferry-kernel-$$.txt &
  rpid=$!
  sleep 0.5
  ip netns exec "$P" "${PRIO[@]}" taskset -c 0 /usr/bin/python3 "$SENDER" 198.18.0.1 9999 "$count" "$interval" 2000
  wait $rpid || true
  tail -1 /tmp/ferry-kernel-$$.txt; rm -f /tmp/ferry-kernel-$$.txt
  echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
  for c in "${CONFIGS[@]}"; do
    label=${c%%|*}; opts=${c#*|}
    # shellcheck disable=SC2086
    ip netns exec "$L" taskset -c 1 "$JAVA_HOME/bin/java" --enable-native-access=ALL-UNNAMED -XX:+UseSerialGC -cp "$CP" \
      dev.ferry.afpacket.tools.RxLatency --if veth0 --port 9999 $opts "${FIFO[@]}" --label "$label" -- \
      ip netns exec "$P" "${PRIO[@]}" taskset -c 0 /usr/bin/python3 "$SENDER" 198.18.0.1 9999 "$count" "$interval"
  done
done
