package dev.ferry.testkit;

/** Run in a child JVM by {@link CleanupTest}: creates resources, prints their names, exits without closing them. */
public final class LeakyMain {
    private LeakyMain() {}

    public static void main(String[] args) {
        NetNs a = NetNs.create("leak-a");
        NetNs b = NetNs.create("leak-b");
        VethPair.create(a, b);
        System.out.println("netns " + a.name() + " " + b.name());
        System.out.flush();
        if (args.length > 0 && args[0].equals("hang")) {
            try {
                Thread.sleep(600_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        System.exit(1); // as a failed test run would: nothing was closed
    }
}
