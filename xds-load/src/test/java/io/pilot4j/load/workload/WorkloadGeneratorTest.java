package io.pilot4j.load.workload;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorkloadGeneratorTest {

    @Test
    void servicesTimesEndpointsWithUniqueAddresses() {
        Workload w = WorkloadGenerator.generate(1000, 10, "load", 8080, 1);
        assertEquals(1000, w.services().size());
        assertEquals(10_000, w.endpointCount());
        Set<String> addresses = new HashSet<>();
        Set<String> vips = new HashSet<>();
        for (ServiceSpec s : w.services()) {
            addresses.addAll(s.endpoints());
            vips.add(s.vip());
        }
        assertEquals(10_000, addresses.size());
        assertEquals(1000, vips.size());
        assertTrue(addresses.stream().allMatch(a -> a.startsWith("127.")), "endpoints stay on loopback");
        assertTrue(vips.stream().allMatch(a -> a.startsWith("240.240.")), "VIPs in Istio's ServiceEntry range");
    }

    @Test
    void namesSortInServiceOrderAndFollowIstio() {
        Workload w = WorkloadGenerator.generate(12, 1, "load", 8080, 1);
        ServiceSpec first = w.services().get(0);
        assertEquals("svc-0000", first.name());
        assertEquals("svc-0000.load.svc.cluster.local", first.hostname());
        assertEquals("outbound|8080||svc-0000.load.svc.cluster.local", first.clusterName());
        List<String> names = w.services().stream().map(ServiceSpec::name).toList();
        assertEquals(names.stream().sorted().toList(), names);
    }

    @Test
    void portsCycleOverServices() {
        Workload w = WorkloadGenerator.generate(5, 1, "load", 9000, 2);
        assertEquals(List.of(9000, 9001, 9000, 9001, 9000), w.services().stream().map(ServiceSpec::port).toList());
        assertEquals(Set.of(9000, 9001), w.ports());
    }

    @Test
    void refusesEmptyAndOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> WorkloadGenerator.generate(0, 1, "load", 8080, 1));
        assertThrows(IllegalArgumentException.class, () -> WorkloadGenerator.generate(1, 1, "load", 65535, 2));
    }
}
