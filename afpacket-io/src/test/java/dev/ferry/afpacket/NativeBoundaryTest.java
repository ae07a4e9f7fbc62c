package dev.ferry.afpacket;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** Native code lives in one place: downcalls and struct layouts only in the internal package. */
class NativeBoundaryTest {
    static final JavaClasses AFPACKET = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.ferry.afpacket");

    @Test
    void onlyTheInternalPackageLinksToTheKernel() {
        noClasses()
                .that()
                .resideOutsideOfPackage("dev.ferry.afpacket.internal..")
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(java.lang.foreign.Linker.class, java.lang.foreign.SymbolLookup.class)
                .check(AFPACKET);
    }

    @Test
    void nothingHereReachesAboveTheLinkSpi() {
        noClasses()
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        "dev.ferry.tcp.conn..", "dev.ferry.tcp.stack..", "dev.ferry.sidecar..", "dev.ferry.control..")
                .because("afpacket-io implements the engine's link and knows nothing of TCP above it")
                .check(AFPACKET);
    }
}
