package dev.ferry.tcp.timer;

/** What a {@link TimingWheel} calls for each entry whose deadline has come. */
@FunctionalInterface
public interface TimerHandler {
    /**
     * The deadline armed for {@code id} has passed. The entry is already disarmed: the handler may
     * {@linkplain TimingWheel#arm arm} it again (or arm and cancel any other entry). An entry armed
     * here with a deadline that has already passed fires in the next {@link TimingWheel#expire} call,
     * never twice in this one.
     *
     * @param id    the entry's id (the connection's slot index)
     * @param nowNs the time passed to {@link TimingWheel#expire}
     */
    void onTimer(int id, long nowNs);
}
