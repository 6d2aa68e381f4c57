package io.pilot4j.log;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Applies Istio's {@code --log_output_level}: {@code scope:level[,scope:level...]}, or a bare level for every
 * scope. Levels: debug, info, warn, error, fatal, none.
 */
public final class LogLevels {
    private LogLevels() {
    }

    /** Parses without applying, so a typo fails before anything starts. */
    public static Map<Scope, Level> parse(String spec) {
        Map<Scope, Level> out = new LinkedHashMap<>();
        for (String part : spec.split(",")) {
            String item = part.trim();
            if (item.isEmpty()) {
                continue;
            }
            int colon = item.lastIndexOf(':');
            if (colon < 0) {
                Level level = level(item);
                for (Scope s : Scope.values()) {
                    out.put(s, level);
                }
                continue;
            }
            String scopeName = item.substring(0, colon);
            Level level = level(item.substring(colon + 1));
            if (scopeName.equals("all")) {
                for (Scope s : Scope.values()) {
                    out.put(s, level);
                }
                continue;
            }
            Scope scope = Scope.byName(scopeName);
            if (scope == null) {
                List<String> names = new ArrayList<>();
                for (Scope s : Scope.values()) {
                    names.add(s.scopeName());
                }
                throw new IllegalArgumentException("--log_output_level: unknown scope '" + scopeName + "'; scopes are " + String.join(", ", names));
            }
            out.put(scope, level);
        }
        return out;
    }

    public static void apply(Map<Scope, Level> levels) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        levels.forEach((scope, level) -> context.getLogger(scope.scopeName()).setLevel(level));
    }

    private static Level level(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case "debug": return Level.DEBUG;
            case "info": return Level.INFO;
            case "warn": case "warning": return Level.WARN;
            case "error": case "fatal": return Level.ERROR;
            case "none": return Level.OFF;
            default:
                throw new IllegalArgumentException("--log_output_level: unknown level '" + name + "'; levels are debug, info, warn, error, fatal, none");
        }
    }
}
