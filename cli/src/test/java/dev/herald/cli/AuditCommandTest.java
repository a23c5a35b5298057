package dev.herald.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import dev.herald.audit.AuditConfig;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class AuditCommandTest {

    @Test
    void theOptionsNamingASettingWinOverSetAndTheEnvironment() {
        AuditCommand command = new AuditCommand();
        new CommandLine(command).parseArgs("--ingest", "http://10.0.0.1:8080", "--edge", "ws://10.0.0.2:8081/v1/ws,http://10.0.0.3:8081",
                "--edge", "http://10.0.0.4:8081", "--rate", "5", "--set", "audit.rate.per.s=1", "--set", "audit.resume=false");

        Map<String, String> values = command.values(Map.of("HERALD_AUDIT_INGEST_URL", "http://elsewhere:1", "HERALD_AUDIT_CHANNEL", "c"));
        AuditConfig config = new AuditConfig(values);

        assertThat(config.ingestUrl()).hasToString("http://10.0.0.1:8080");
        assertThat(config.edges()).containsOnlyKeys("10.0.0.2:8081", "10.0.0.3:8081", "10.0.0.4:8081");
        assertThat(config.ratePerSecond()).isEqualTo(5.0);
        assertThat(config.resume()).isFalse();
        assertThat(config.channel()).isEqualTo("c");
    }

    @Test
    void theAuditCommandIsRegistered() {
        assertThat(HeraldCommand.commandLine().getSubcommands()).containsKey("audit");
        assertThat(new CommandLine(new DevCommand()).getCommandSpec().findOption("--no-audit")).isNotNull();
    }
}
