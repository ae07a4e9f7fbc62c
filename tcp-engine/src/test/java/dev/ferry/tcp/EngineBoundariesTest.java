package dev.ferry.tcp;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The engine's promises that no compiler checks: it reads no clock, starts no thread, touches no
 * native code, knows nothing of the modules above it, and its packages depend on each other in
 * one direction only (so each can be understood, and tested, from the bottom up).
 */
class EngineBoundariesTest {
    static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ferry.tcp");

    @Test
    void timeComesInAsArgumentsNeverFromAClock() {
        noClasses()
                .should()
                .callMethod(System.class, "nanoTime")
                .orShould()
                .callMethod(System.class, "currentTimeMillis")
                .orShould()
                .dependOnClassesThat()
                .belongToAnyOf(java.time.Clock.class, java.time.Instant.class)
                .because("the engine must replay exactly under a virtual clock")
                .check(ENGINE);
    }

    @Test
    void theEngineStartsNoThreadOfItsOwn() {
        noClasses()
                .should()
                .callConstructor(Thread.class, Runnable.class)
                .orShould()
                .callMethod(Thread.class, "start")
                .orShould()
                .dependOnClassesThat()
                .belongToAnyOf(java.util.concurrent.Executors.class, Thread.Builder.class)
                .because("shards run the engine on threads their owner creates")
                .check(ENGINE);
    }

    @Test
    void nativeCodeStaysOutOfTheEngine() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(java.lang.foreign.Linker.class, java.lang.foreign.SymbolLookup.class)
                .because("native access lives in afpacket-io's internal package only")
                .check(ENGINE);
    }

    @Test
    void theEngineKnowsNothingOfTheModulesAboveIt() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("dev.ferry.afpacket..", "dev.ferry.sidecar..", "dev.ferry.control..")
                .check(ENGINE);
    }

    @Test
    void enginePackagesHaveNoCycles() {
        slices().matching("dev.ferry.tcp.(*)..").should().beFreeOfCycles().check(ENGINE);
    }

    @Test
    void theWireLayerOnlyParsesAndEmits() {
        noClasses()
                .that()
                .resideInAPackage("dev.ferry.tcp.wire..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.ferry.tcp.conn..",
                        "dev.ferry.tcp.stack..",
                        "dev.ferry.tcp.timer..",
                        "dev.ferry.tcp.flow..",
                        "dev.ferry.tcp.buffer..",
                        "dev.ferry.tcp.api..")
                .because("wire code parses and emits; behaviour lives above it (the smoltcp split)")
                .check(ENGINE);
    }
}
