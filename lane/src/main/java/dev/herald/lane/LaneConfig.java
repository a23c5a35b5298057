package dev.herald.lane;

import java.util.List;

import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The ephemeral lane's settings as config keys: ingest and the edges define the same keys, with
 * the same defaults, checks and docs, and read them into {@link LaneSettings} the same way, so
 * both ends of one lane agree on what a value means.
 */
public final class LaneConfig {

    /** Every key of the lane, the secret first. */
    public static final List<String> KEYS = List.of(LaneSettings.SECRET, LaneSettings.GROUP, LaneSettings.PORT,
            LaneSettings.INTERFACE, LaneSettings.TTL, LaneSettings.MAX_DATAGRAM_BYTES, LaneSettings.MAX_AGE_MS);

    private LaneConfig() {
    }

    /** Adds the lane's keys to {@code def}; returns it. */
    public static ConfigDef define(ConfigDef def) {
        return def
                .define(LaneSettings.SECRET, Type.PASSWORD, "", Importance.HIGH, LaneSettings.SECRET_DOC)
                .define(LaneSettings.GROUP, Type.STRING, LaneSettings.DEFAULT_GROUP, Importance.LOW, LaneSettings.GROUP_DOC)
                .define(LaneSettings.PORT, Type.INT, LaneSettings.DEFAULT_PORT, Range.between(1, 65_535), Importance.LOW,
                        LaneSettings.PORT_DOC)
                .define(LaneSettings.INTERFACE, Type.STRING, LaneSettings.DEFAULT_INTERFACE, Importance.LOW,
                        LaneSettings.INTERFACE_DOC)
                .define(LaneSettings.TTL, Type.INT, LaneSettings.DEFAULT_TTL, Range.between(0, 255), Importance.LOW,
                        LaneSettings.TTL_DOC)
                .define(LaneSettings.MAX_DATAGRAM_BYTES, Type.INT, LaneSettings.DEFAULT_MAX_DATAGRAM_BYTES,
                        Range.between(256, LaneSettings.LARGEST_DATAGRAM_BYTES), Importance.LOW,
                        LaneSettings.MAX_DATAGRAM_BYTES_DOC)
                .define(LaneSettings.MAX_AGE_MS, Type.LONG, LaneSettings.DEFAULT_MAX_AGE_MS, Range.atLeast(1), Importance.LOW,
                        LaneSettings.MAX_AGE_MS_DOC);
    }

    /**
     * The lane's settings in {@code config} (whose definition went through {@link #define}), or
     * {@code null} when {@link LaneSettings#SECRET} is empty: no lane.
     *
     * @throws ConfigException naming the lane setting that is wrong
     */
    public static LaneSettings read(AbstractConfig config) {
        String secret = config.getPassword(LaneSettings.SECRET).value();
        if (secret.isEmpty()) {
            return null;
        }
        try {
            return LaneSettings.of(config.getString(LaneSettings.GROUP), config.getInt(LaneSettings.PORT),
                    config.getString(LaneSettings.INTERFACE), config.getInt(LaneSettings.TTL), secret,
                    config.getInt(LaneSettings.MAX_DATAGRAM_BYTES), config.getLong(LaneSettings.MAX_AGE_MS));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
    }
}
