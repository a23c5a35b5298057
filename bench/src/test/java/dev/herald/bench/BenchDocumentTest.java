package dev.herald.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** One file, a section per benchmark command: writing one keeps the others. */
class BenchDocumentTest {

    @Test
    void aSectionIsAddedThenReplacedInPlaceAndTheOthersAreKept() {
        String first = BenchDocument.withSection(null, "ingest", "## Ingest\n\nold figures\n");
        String both = BenchDocument.withSection(first, "edge", "## Edge\n\nedge figures\n");
        String updated = BenchDocument.withSection(both, "ingest", "## Ingest\n\nnew figures\n");

        assertThat(updated).startsWith(BenchDocument.HEADER)
                .contains("new figures").doesNotContain("old figures").contains("edge figures");
        assertThat(updated.indexOf("## Ingest")).isLessThan(updated.indexOf("## Edge"));
        assertThat(updated.split("begin bench ingest", -1)).hasSize(2);
    }

    @Test
    void aFileFromBeforeSectionsStartsAgainFromTheHeader() {
        String doc = BenchDocument.withSection("# Benchmarks\n\nhand-written text\n", "edge", "## Edge\n");
        assertThat(doc).startsWith(BenchDocument.HEADER).doesNotContain("hand-written text").contains("## Edge");
    }
}
