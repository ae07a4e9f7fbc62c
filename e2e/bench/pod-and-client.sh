# Sourced by the benchmark scripts here: a "pod" and a "client" network namespace joined by a veth
# pair (veth0 in the pod, veth1 in the client) on 198.18.100.0/24, the benchmarking range, and
# removed on exit with the processes listed in PIDS and the scratch directory WORK.
#
#   pod_and_client NAME   sets POD, CLI, POD_IP, CLI_IP, WORK, PIDS and the EXIT trap
pod_and_client() {
    POD=ferry-$1-$$-pod
    CLI=ferry-$1-$$-client
    POD_IP=198.18.100.1
    CLI_IP=198.18.100.2
    WORK=$(mktemp -d "/tmp/ferry-$1.XXXXXX")
    PIDS=()
    trap remove_pod_and_client EXIT
    ip netns add "$POD"
    ip netns add "$CLI"
    ip link add veth0 netns "$POD" type veth peer name veth1 netns "$CLI"
    ip -n "$POD" addr add "$POD_IP/24" dev veth0
    ip -n "$CLI" addr add "$CLI_IP/24" dev veth1
    for ns in "$POD" "$CLI"; do ip -n "$ns" link set lo up; done
    ip -n "$POD" link set veth0 up
    ip -n "$CLI" link set veth1 up
    ip netns exec "$CLI" ping -c1 -W2 "$POD_IP" >/dev/null
}

remove_pod_and_client() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    sleep 0.5
    ip netns del "$POD" 2>/dev/null || true
    ip netns del "$CLI" 2>/dev/null || true
    rm -rf "$WORK"
}
