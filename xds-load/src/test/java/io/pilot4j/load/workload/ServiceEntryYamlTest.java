package io.pilot4j.load.workload;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ServiceEntryYamlTest {
    private final ServiceSpec spec = new ServiceSpec("svc-0007", "load", "svc-0007.load.svc.cluster.local", "240.240.0.7", 8080,
            List.of("127.1.0.70", "127.1.0.71"));

    @Test
    void parsesWhatItRenders() {
        assertEquals(spec, ServiceEntryYaml.parse(ServiceEntryYaml.render(spec)));
    }

    @Test
    void rendersAnIstioServiceEntry() {
        String yaml = ServiceEntryYaml.render(spec);
        assertTrue(yaml.startsWith("apiVersion: networking.istio.io/v1\nkind: ServiceEntry\n"), yaml);
        assertTrue(yaml.contains("  resolution: STATIC\n"), yaml);
        assertTrue(yaml.contains("  - number: 8080\n    name: http\n    protocol: HTTP\n"), yaml);
        assertTrue(yaml.endsWith("  endpoints:\n  - address: 127.1.0.70\n  - address: 127.1.0.71\n"), yaml);
    }

    @Test
    void refusesWhatItDidNotWrite() {
        String foreign = ServiceEntryYaml.render(spec).replace("  resolution: STATIC\n", "  resolution: STATIC\n  exportTo: [\".\"]\n");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ServiceEntryYaml.parse(foreign));
        assertTrue(e.getMessage().contains("line 13") && e.getMessage().contains("exportTo"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> ServiceEntryYaml.parse("kind: Service\n"));
    }
}
