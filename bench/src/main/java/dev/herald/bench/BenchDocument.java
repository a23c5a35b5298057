package dev.herald.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code docs/benchmarks.md}: one file with a section per benchmark command, each written by its
 * command between two marker comments, so that running one benchmark replaces its own figures and
 * keeps the others'.
 *
 * <p>A section is {@code <!-- begin bench NAME -->}, the section's Markdown, then
 * {@code <!-- end bench NAME -->}. A new section goes after the last one. A file without markers
 * (or no file) starts again from the {@link #HEADER}.
 */
final class BenchDocument {

    static final String HEADER = "# Benchmarks\n\n"
            + "Each section below is written by one benchmark command (see [bench/README.md](../bench/README.md)) "
            + "with the machine, date and command of its run. Do not edit by hand: run the command again; it replaces "
            + "its own section and keeps the others.\n\n";

    private BenchDocument() {
    }

    /** {@code document} (the file's text, or {@code null} for none) with section {@code name} set to {@code markdown}. */
    static String withSection(String document, String name, String markdown) {
        String begin = begin(name);
        String end = "<!-- end bench " + name + " -->\n";
        String block = begin + markdown.stripTrailing() + "\n\n" + end;
        if (document == null || !document.startsWith(HEADER)) {
            return HEADER + block;
        }
        int from = document.indexOf(begin);
        int to = document.indexOf(end);
        if (from >= 0 && to > from) {
            return document.substring(0, from) + block + document.substring(to + end.length());
        }
        return document.stripTrailing() + "\n\n" + block;
    }

    /** Writes section {@code name} of the file at {@code path}, creating the file and its folder if missing. */
    static void write(Path path, String name, String markdown) throws IOException {
        Path parent = path.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        String existing = Files.exists(path) ? Files.readString(path, StandardCharsets.UTF_8) : null;
        Files.writeString(path, withSection(existing, name, markdown), StandardCharsets.UTF_8);
    }

    private static String begin(String name) {
        return "<!-- begin bench " + name + " -->\n";
    }
}
