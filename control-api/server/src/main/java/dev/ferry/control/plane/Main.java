package dev.ferry.control.plane;

import java.util.List;

/** {@code ferry control-plane}: see {@link Options#USAGE}. */
public final class Main {

    private Main() {}

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(List.of(args));
        } catch (Options.HelpRequested help) {
            System.out.print(Options.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println("ferry control-plane: " + e.getMessage());
            System.err.print(Options.USAGE);
            System.exit(2);
            return;
        }
        ControlPlaneServer server;
        try {
            server = ControlPlaneServer.start(options);
        } catch (Exception e) {
            System.err.println("ferry control-plane: cannot start: " + e.getMessage());
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "ferry-shutdown"));
        System.out.println(ControlPlaneServer.describe(server, options));
        server.awaitTermination();
    }
}
