package io.pilot4j.serviceregistry.kube;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.pilot4j.kube.Metadata;
import io.pilot4j.kube.Yaml;
import io.pilot4j.kube.testing.Objects;
import io.pilot4j.mesh.LabelSelector;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.serviceregistry.ConfigKind;
import io.pilot4j.serviceregistry.RegistryState;
import io.pilot4j.serviceregistry.RegistryStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The safety net of the Kubernetes registry's per-event updates: random sequences of informer events (Services,
 * slices, pods, nodes, ServiceEntries selecting pods, namespace labels, discoverySelectors), each applied as the
 * registry applies it ({@link KubeStateBuilder#update} with the event's old and new objects), give after every step
 * the state a fresh builder derives from the whole cache, with no conversion or dependency left behind.
 */
class KubeStateBuilderEventsTest {
    private static final int STEPS = 500;
    private static final List<String> NAMESPACES = List.of("a", "b");
    private static final List<String> SERVICES = List.of("s0", "s1");
    private static final List<String> PODS = List.of("p0", "p1", "p2", "p3");
    private static final List<String> NODES = List.of("n0", "n1");
    private static final List<LabelSelector> PROD_ONLY = List.of(new LabelSelector(Map.of("env", "prod"), List.of()));

    private MemoryCluster cluster;
    private Random random;
    private List<LabelSelector> selectors;

    @Test
    void randomEventsGiveTheStateTheWholeCacheGives() {
        for (long seed = 1; seed <= 5; seed++) {
            run(seed);
        }
    }

    private void run(long seed) {
        cluster = new MemoryCluster();
        random = new Random(seed);
        selectors = List.of();
        for (String ns : NAMESPACES) {
            cluster.namespaces.add(Objects.namespace(ns, Map.of("env", ns.equals("a") ? "prod" : "dev")));
        }
        KubeStateBuilder incremental = new KubeStateBuilder("cluster.local");
        incremental.build(cluster, selectors);
        for (int step = 0; step < STEPS; step++) {
            List<HasMetadata> touched = new ArrayList<>();
            String what = step(touched);
            RegistryState actual = incremental.update(cluster, selectors, touched);

            String where = "seed " + seed + ", step " + step + " (" + what + ")";
            KubeStateBuilder scratch = new KubeStateBuilder("cluster.local");
            RegistryState expected = scratch.build(cluster, selectors);
            RegistrySnapshot e = expected.snapshot();
            RegistrySnapshot a = actual.snapshot();
            assertEquals(e.services(), a.services(), where + ": services");
            assertEquals(e.endpoints(), a.endpoints(), where + ": endpoints");
            assertEquals(e.rules(), a.rules(), where + ": rules");
            assertEquals(new HashSet<>(e.errors()), new HashSet<>(a.errors()), where + ": errors");
            assertEquals(expected.objects(), actual.objects(), where + ": objects");
            assertEquals(scratch.dependencyCount(), incremental.dependencyCount(), where + ": dependencies indexed");
        }
    }

    /** One random change to the cluster, its events' objects added to {@code touched}; returns what it was. */
    private String step(List<HasMetadata> touched) {
        String ns = pick(NAMESPACES);
        boolean remove = random.nextInt(4) == 0;
        switch (random.nextInt(7)) {
            case 0 -> {
                String name = pick(SERVICES);
                Service next = remove ? null : Objects.grpcService(ns, name, "10.96.0." + random.nextInt(3), 7070 + random.nextInt(2));
                replace(cluster.services, o -> is(o, ns, name), next, touched);
                return (remove ? "delete" : "put") + " Service " + ns + "/" + name;
            }
            case 1 -> {
                String service = pick(SERVICES);
                String name = service + "-" + random.nextInt(2);
                EndpointSlice next = remove ? null : Objects.slice(ns, name, service, 7070,
                        pick(PODS), "10.1.0." + random.nextInt(4), pick(PODS), "10.1.0." + random.nextInt(4));
                replace(cluster.slices, o -> is(o, ns, name), next, touched);
                return (remove ? "delete" : "put") + " EndpointSlice " + ns + "/" + name;
            }
            case 2 -> {
                String name = pick(PODS);
                HasMetadata old = remove ? cluster.workloads.removePod(ns, name)
                        : cluster.workloads.putPod(Objects.pod(ns, name, "10.1.0." + random.nextInt(4), 7070, pick(NODES),
                        Map.of("app", pick(List.of("s0", "s1", "vm")))));
                add(touched, old);
                add(touched, remove ? null : cluster.podNamed(ns, name));
                return (remove ? "delete" : "put") + " Pod " + ns + "/" + name;
            }
            case 3 -> {
                String name = pick(NODES);
                HasMetadata old = remove ? cluster.workloads.removeNode(name)
                        : cluster.workloads.putNode(Objects.node(name, "r", "z" + random.nextInt(3)));
                add(touched, old);
                add(touched, cluster.workloads.node(name).orElse(null));
                return (remove ? "delete" : "put") + " Node " + name;
            }
            case 4 -> {
                String name = "se" + random.nextInt(2);
                HasMetadata next = remove ? null : serviceEntry(ns, name, pick(List.of("s0", "s1", "vm")), random.nextInt(6) == 0);
                replace(cluster.istio.computeIfAbsent(ConfigKind.SERVICE_ENTRY, k -> new ArrayList<>()), o -> is(o, ns, name), next, touched);
                return (remove ? "delete" : "put") + " ServiceEntry " + ns + "/" + name;
            }
            case 5 -> {
                Namespace next = Objects.namespace(ns, Map.of("env", random.nextBoolean() ? "prod" : "dev"));
                replace(cluster.namespaces, o -> Metadata.name(o).equals(ns), next, touched);
                return "relabel Namespace " + ns;
            }
            default -> {
                selectors = selectors.isEmpty() ? PROD_ONLY : List.of();
                return "discoverySelectors " + selectors;
            }
        }
    }

    private static boolean is(HasMetadata o, String namespace, String name) {
        return Metadata.namespace(o).equals(namespace) && Metadata.name(o).equals(name);
    }

    /** Replaces (or removes, for null) the object a predicate finds, as an informer's cache does, noting the event. */
    private static <T extends HasMetadata> void replace(List<T> objects, Predicate<T> same, T next, List<HasMetadata> touched) {
        for (T o : objects) {
            if (same.test(o)) {
                objects.remove(o);
                touched.add(o);
                break;
            }
        }
        if (next != null) {
            objects.add(next);
            touched.add(next);
        }
    }

    private static void add(List<HasMetadata> touched, Object o) {
        if (o instanceof java.util.Optional<?> optional) {
            o = optional.orElse(null);
        }
        if (o != null) {
            touched.add((HasMetadata) o);
        }
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }

    /** A ServiceEntry whose workloadSelector selects pods labelled {@code app}; one without hosts is rejected. */
    private static HasMetadata serviceEntry(String namespace, String name, String app, boolean invalid) {
        return Yaml.read("""
                apiVersion: networking.istio.io/v1
                kind: ServiceEntry
                metadata: {name: %s, namespace: %s}
                spec:
                  hosts: [%s]
                  location: MESH_INTERNAL
                  ports: [{number: 80, name: http, protocol: HTTP, targetPort: 7070}]
                  resolution: STATIC
                  workloadSelector: {labels: {app: %s}}
                """.formatted(name, namespace, invalid ? "" : name + ".example.com", app),
                ConfigKind.SERVICE_ENTRY.versions().get(0).type());
    }

    @Test
    void aPodThatNoConversionReadsAndNoSelectorSelectsChangesNothing() {
        cluster = new MemoryCluster();
        cluster.services.add(Objects.grpcService("a", "s0", "10.96.0.1", 7070));
        cluster.workloads.putPod(Objects.pod("a", "p0", "10.1.0.1", 7070, "n0", Map.of("app", "s0")));
        cluster.slices.add(Objects.slice("a", "s0-0", "s0", 7070, "p0", "10.1.0.1"));
        KubeStateBuilder builder = new KubeStateBuilder("cluster.local");
        RegistryState before = builder.build(cluster, List.of());
        HasMetadata unrelated = Objects.pod("a", "other", "10.1.0.9", 7070, "n0", Map.of("app", "x"));
        cluster.workloads.putPod((io.fabric8.kubernetes.api.model.Pod) unrelated);

        RegistryState after = builder.update(cluster, List.of(), List.of(unrelated));
        assertEquals(RegistryStore.Delta.NONE, builder.lastChange(), "nothing changed");
        assertEquals(before.snapshot(), after.snapshot());
    }
}
