package io.pilot4j.load.workload;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EndpointMutatorTest {

    @Test
    void consecutiveChangesTouchDifferentServicesThenTheNextEndpoint() {
        Workload w = WorkloadGenerator.generate(3, 2, "load", 8080, 1);
        EndpointMutator m = new EndpointMutator(w, 0);
        EndpointChange c0 = m.next();
        EndpointChange c1 = m.next();
        EndpointChange c2 = m.next();
        EndpointChange c3 = m.next();
        assertEquals("svc-0000", c0.after().name());
        assertEquals("svc-0001", c1.after().name());
        assertEquals("svc-0002", c2.after().name());
        assertEquals("svc-0000", c3.after().name());
        assertEquals(0, c0.endpointIndex());
        assertEquals(1, c3.endpointIndex());
        // The fourth change builds on the first: service 0 has both new addresses.
        assertEquals(c0.newAddress(), c3.after().endpoints().get(0));
        assertEquals(c3.newAddress(), c3.after().endpoints().get(1));
        assertEquals(c0.after(), c3.before());
    }

    @Test
    void newAddressesAreFreshEvenWhenTheDirectoryHoldsChangeRangeAddresses() {
        Workload w = WorkloadGenerator.generate(2, 2, "load", 8080, 1);
        // A directory changed by an earlier run starting at the same seed already holds the first change address.
        ServiceSpec s = w.services().get(1).withEndpoint(0, Addresses.change(0));
        Workload earlier = new Workload(java.util.List.of(w.services().get(0), s));
        EndpointMutator m = new EndpointMutator(earlier, 0);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            EndpointChange c = m.next();
            assertNotEquals(Addresses.change(0), c.newAddress());
            assertTrue(seen.add(c.newAddress()), "never reused: " + c.newAddress());
            assertFalse(c.before().endpoints().contains(c.newAddress()));
        }
    }
}
