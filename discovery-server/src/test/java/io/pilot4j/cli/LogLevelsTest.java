package io.pilot4j.cli;

import ch.qos.logback.classic.Level;
import io.pilot4j.log.LogLevels;
import io.pilot4j.log.Scope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LogLevelsTest {
    @Test
    void perScopeLevelsAsIstioWritesThem() {
        Map<Scope, Level> levels = LogLevels.parse("default:info,ads:debug,file:none");
        assertEquals(Map.of(Scope.DEFAULT, Level.INFO, Scope.ADS, Level.DEBUG, Scope.FILE, Level.OFF), levels);
    }

    @Test
    void aBareLevelOrAllAppliesToEveryScope() {
        for (String spec : new String[] {"warn", "all:warn"}) {
            Map<Scope, Level> levels = LogLevels.parse(spec);
            assertEquals(Scope.values().length, levels.size(), spec);
            assertTrue(levels.values().stream().allMatch(Level.WARN::equals), spec);
        }
    }

    @Test
    void laterEntriesWin() {
        assertEquals(Level.ERROR, LogLevels.parse("all:debug,ads:fatal").get(Scope.ADS));
        assertEquals(Level.DEBUG, LogLevels.parse("all:debug,ads:fatal").get(Scope.MODEL));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "ads:verbose|unknown level 'verbose'",
            "pilot:debug|unknown scope 'pilot'; scopes are default, ads, model, mesh, file, kube, http",
    })
    void rejectsWithTheValidChoices(String spec, String message) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogLevels.parse(spec));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}
