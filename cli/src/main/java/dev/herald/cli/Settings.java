package dev.herald.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine.Option;

/** The options every service command shares: a config file and {@code --set} overrides. */
final class Settings {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", description = "A properties file with settings.")
    Path configFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "One setting; wins over the file and HERALD_* variables. Repeatable.")
    Map<String, String> overrides = new LinkedHashMap<>();
}
