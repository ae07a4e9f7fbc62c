package dev.ferry.sidecar.cli;

import dev.ferry.sidecar.serve.ServeCommand;
import java.util.Arrays;
import java.util.List;

/** The {@code ferry} command line (run through the {@code ./ferry} launcher). */
public final class Main {
    private Main() {}

    static final String USAGE = """
            usage: ferry <command> [options]

              serve    the TCP engine on an interface's AF_PACKET rings, answering on a port
                       (--interface IF --port P [--address IP] [--mode echo|http|discard|sockperf])
            """;

    public static void main(String[] argv) {
        System.exit(run(argv));
    }

    static int run(String[] argv) {
        if (argv.length == 0 || argv[0].equals("help") || argv[0].equals("--help")) {
            System.out.print(USAGE);
            return argv.length == 0 ? 2 : 0;
        }
        List<String> rest = Arrays.asList(argv).subList(1, argv.length);
        try {
            return switch (argv[0]) {
                case "serve" -> ServeCommand.run(rest);
                default -> {
                    System.err.print("ferry: unknown command '" + argv[0] + "'\n" + USAGE);
                    yield 2;
                }
            };
        } catch (Args.UsageException e) {
            System.err.println("ferry " + e.getMessage());
            return 2;
        }
    }
}
