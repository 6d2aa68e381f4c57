package io.pilot4j.load.measure;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FlatJsonTest {

    @Test
    void roundTrip() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", "pilot4j \"main\"\n\tx\\y");
        m.put("clients", 1000);
        m.put("change_p99_s", 0.4567);
        m.put("missing", Double.NaN);
        m.put("bytes", 123456789012L);
        Map<String, Object> back = FlatJson.read(FlatJson.write(m));
        assertEquals("pilot4j \"main\"\n\tx\\y", back.get("label"));
        assertEquals(1000.0, back.get("clients"));
        assertEquals(0.4567, (Double) back.get("change_p99_s"), 1e-9);
        assertNull(back.get("missing"));
        assertEquals(123456789012.0, back.get("bytes"));
    }
}
