# Sourced by the benchmark scripts here: JIT warm-up for a `ferry serve` under test.
#
# The benchmarks run Ferry's shard thread SCHED_FIFO on the server's one CPU. A FIFO thread that is
# busy starves the JVM's compiler threads (normal priority, same CPU) until the kernel's RT
# throttling lets them run: C2 then needs minutes instead of seconds, and a 10-second run measures
# C1 code (`-XX:+PrintCompilation` showed `TcpStack::onFrame` reaching C2 ~30 s into a load run).
# So warm up at normal priority until a whole run of traffic leaves the compilers idle, and raise
# the shard thread to FIFO only then; the compilers keep normal priority and so still run in the 5%
# of each second that RT throttling leaves (enough for the odd late recompile: the scripts report
# the compilers' CPU per run). Raising them to FIFO 49 as well is worse: they then get no CPU while
# the shard runs, and once a shard thread stood in HotSpot's call-site re-resolution
# (`SharedRuntime::handle_wrong_method`, over and over) for 20 minutes, waiting for them.
#
#   jit_ns PID                 CPU time of PID's JIT compiler threads in ns
#   fifo_ferry PID             raises the shard thread to SCHED_FIFO 50
#   warm_jit PID CMD...        runs CMD (a few seconds of traffic) until the compilers stay (nearly)
#                              idle through one run, at most 12 times; prints what it did to stderr
jit_ns() {
    local sum=0 t
    for t in /proc/"$1"/task/*; do
        case "$(cat "$t/comm" 2>/dev/null)" in
            C1\ CompilerThre* | C2\ CompilerThre*) sum=$((sum + $(cut -d' ' -f1 "$t/schedstat"))) ;;
        esac
    done
    echo "$sum"
}

warm_jit() {
    local pid=$1 before after run
    shift
    for run in $(seq 1 12); do
        before=$(jit_ns "$pid")
        "$@" >/dev/null 2>&1 || true
        after=$(jit_ns "$pid")
        # 20 ms over a run of seconds: the odd late compile, not a warm-up still under way.
        if [ $((after - before)) -lt 20000000 ]; then
            echo "JIT warm after $run runs (pid $pid: $(((after) / 1000000)) ms of compiler CPU in all)" >&2
            return 0
        fi
    done
    echo "warning: the JIT of pid $pid was still compiling after $run warm-up runs" >&2
}

fifo_ferry() {
    local t
    for t in /proc/"$1"/task/*; do
        if [ "$(cat "$t/comm" 2>/dev/null)" = ferry-shard-0 ]; then
            chrt -f -p 50 "$(basename "$t")"
            return 0
        fi
    done
    echo "no shard thread in pid $1" >&2
    exit 1
}
