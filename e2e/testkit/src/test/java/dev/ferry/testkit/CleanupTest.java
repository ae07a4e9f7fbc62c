package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class CleanupTest {
    @Test
    void leftoversOfADeadRunAreSweptAndALiveRunsAreKept() throws Exception {
        Tools.requireRoot();
        // A process that has exited: its pid names the "dead run".
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        long deadPid = dead.pid();
        String stale = "ferry-t-" + deadPid + "-1-stale";
        String live = "ferry-t-" + ProcessHandle.current().pid() + "-999999-live";
        Cmd.run("ip", "netns", "add", stale);
        Cmd.run("ip", "netns", "add", live);
        try {
            java.lang.reflect.Field swept = Cleanup.class.getDeclaredField("swept");
            swept.setAccessible(true);
            swept.setBoolean(null, false);

            assertThat(Cleanup.sweepStale()).contains("netns " + stale);
            assertThat(Path.of("/run/netns", stale)).doesNotExist();
            assertThat(Path.of("/run/netns", live)).exists();
        } finally {
            Cmd.exec(java.util.List.of("ip", "netns", "del", stale), null);
            Cmd.exec(java.util.List.of("ip", "netns", "del", live), null);
        }
    }

    @Test
    void namesAreUniqueAndFitAnInterfaceName() {
        String a = Names.rootInterface();
        String b = Names.rootInterface();
        assertThat(a).isNotEqualTo(b);
        assertThat(a.length()).isLessThanOrEqualTo(15);
        assertThat(Names.ownerPid(Names.INTERFACE, a))
                .isEqualTo(ProcessHandle.current().pid());
        assertThat(Names.ownerPid(Names.NAMESPACE, Names.namespace("x")))
                .isEqualTo(ProcessHandle.current().pid());
        assertThat(Names.ownerPid(Names.NAMESPACE, "some-other-ns")).isEqualTo(-1);
    }

    @Test
    void aJvmThatExitsWithoutClosingLeavesNothingBehind() {
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        try (ManagedProcess child = ManagedProcess.builder(
                        javaBin,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LeakyMain.class.getName())
                .label("leaky-jvm")
                .start()) {
            assertThat(child.waitFor(java.time.Duration.ofSeconds(60))).isEqualTo(1);
            java.util.regex.Matcher names = child.awaitLine("netns (\\S+) (\\S+)", java.time.Duration.ofSeconds(1));
            assertThat(Path.of("/run/netns", names.group(1))).doesNotExist();
            assertThat(Path.of("/run/netns", names.group(2))).doesNotExist();
        }
    }

    @Test
    void aKilledJvmsLeftoversAreSweptByTheNextRun() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElseThrow();
        String a;
        String b;
        try (ManagedProcess child = ManagedProcess.builder(
                        javaBin,
                        "--enable-native-access=ALL-UNNAMED",
                        "-cp",
                        System.getProperty("java.class.path"),
                        LeakyMain.class.getName(),
                        "hang")
                .label("killed-jvm")
                .start()) {
            java.util.regex.Matcher names = child.awaitLine("netns (\\S+) (\\S+)", java.time.Duration.ofSeconds(60));
            a = names.group(1);
            b = names.group(2);
            // SIGKILL: no shutdown hook runs.
            ProcessHandle.of(child.pid()).orElseThrow().destroyForcibly();
            ProcessHandle.of(child.pid()).orElseThrow().onExit().get();
        }
        assertThat(Path.of("/run/netns", a)).exists();
        java.lang.reflect.Field swept = Cleanup.class.getDeclaredField("swept");
        swept.setAccessible(true);
        swept.setBoolean(null, false);
        assertThat(Cleanup.sweepStale()).contains("netns " + a, "netns " + b);
        assertThat(Path.of("/run/netns", a)).doesNotExist();
        assertThat(Path.of("/run/netns", b)).doesNotExist();
    }
}
