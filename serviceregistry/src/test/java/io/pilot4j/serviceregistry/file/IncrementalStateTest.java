package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.Endpoint;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.Service;
import io.pilot4j.model.networking.TrafficRules;
import io.pilot4j.serviceregistry.RegistryStore;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.pilot4j.serviceregistry.file.ConfigFiles.service;
import static io.pilot4j.serviceregistry.file.ConfigFiles.serviceEntry;
import static io.pilot4j.serviceregistry.file.ConfigFiles.slice;
import static io.pilot4j.serviceregistry.file.ConfigFiles.workloadEntry;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The safety net of the incremental state: random sequences of file writes and deletes, each applied as the file
 * registry applies it (only the changed file's objects, only what they touch derived again), give after every step
 * the state the same files give from scratch; and what each step reports changed is exactly what differs between
 * the state before and after it.
 */
class IncrementalStateTest {
    private static final int FILES = 6;
    private static final int STEPS = 400;
    private final FileLoader loader = new FileLoader("cluster.local");

    /** Documents that interact: hosts declared twice, objects defined twice, slices of services that come and go. */
    private static final List<String> DOCUMENTS = List.of(
            service("reviews", "10.96.0.5", 9080),
            service("reviews", "10.96.0.6", 9080),
            service("db", "None", 5432),
            slice("reviews-a", "reviews", "10.1.0.1"),
            slice("reviews-a", "reviews", "10.1.0.2", "10.1.0.3"),
            slice("reviews-b", "reviews", "10.1.0.3"),
            slice("db-1", "db", "10.2.0.1"),
            """
                    apiVersion: v1
                    kind: Endpoints
                    metadata: {name: reviews, namespace: default}
                    subsets:
                    - addresses: [{ip: 10.9.0.1}]
                      ports: [{name: http, port: 9080}]
                    """,
            serviceEntry("ext", "api.example.com", 80),
            serviceEntry("ext-other", "api.example.com", 8080),
            serviceEntry("ext", "reviews.default.svc.cluster.local", 80),
            """
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata: {name: vms, namespace: default}
                    spec:
                      hosts: [vms.example.com]
                      location: MESH_INTERNAL
                      resolution: STATIC
                      ports: [{name: http, number: 80, protocol: HTTP, targetPort: 8080}]
                      workloadSelector: {labels: {app: vm}}
                    """,
            """
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata: {name: static, namespace: default}
                    spec:
                      hosts: [static.example.com]
                      resolution: STATIC
                      ports: [{name: http, number: 80, protocol: HTTP}]
                      endpoints: [{address: 10.4.0.1}]
                    """,
            """
                    apiVersion: networking.istio.io/v1
                    kind: ServiceEntry
                    metadata: {name: static, namespace: default}
                    spec:
                      hosts: [static.example.com]
                      resolution: STATIC
                      ports: [{name: http, number: 80, protocol: HTTP}]
                      endpoints: [{address: 10.4.0.2}]
                    """,
            workloadEntry("vm-1", "10.5.0.1", "vm"),
            workloadEntry("vm-1", "10.5.0.9", "vm"),
            workloadEntry("vm-2", "10.5.0.2", "vm"),
            workloadEntry("vm-3", "10.5.0.3", "other"),
            """
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: reviews, namespace: default}
                    spec:
                      hosts: [reviews]
                      http: [{timeout: 5s, route: [{destination: {host: reviews}}]}]
                    """,
            """
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: reviews, namespace: default}
                    spec:
                      hosts: [reviews]
                      http: [{timeout: 7s, route: [{destination: {host: reviews}}]}]
                    """,
            """
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: a-ratings, namespace: default, creationTimestamp: "2020-01-01T00:00:00Z"}
                    spec:
                      hosts: [ratings]
                      http: [{timeout: 3s, route: [{destination: {host: ratings}}]}]
                    """,
            """
                    apiVersion: networking.istio.io/v1
                    kind: VirtualService
                    metadata: {name: z-details, namespace: default, creationTimestamp: "2019-01-01T00:00:00Z"}
                    spec:
                      hosts: [details]
                      http: [{timeout: 2s, route: [{destination: {host: details}}]}]
                    """,
            """
                    apiVersion: networking.istio.io/v1
                    kind: DestinationRule
                    metadata: {name: reviews, namespace: default}
                    spec:
                      host: reviews
                      subsets: [{name: v1, labels: {version: v1}}]
                    """,
            "kind: Service\n");


    @Test
    void randomEditsGiveTheStateTheFilesGiveFromScratchAndReportExactlyWhatDiffers() {
        for (long seed = 1; seed <= 5; seed++) {
            run(new Random(seed), seed);
        }
    }

    private void run(Random random, long seed) {
        Map<Path, ConfigFile> files = new TreeMap<>();
        FileObjects incremental = new FileObjects("File");
        RegistrySnapshot before = incremental.state().snapshot();
        for (int step = 0; step < STEPS; step++) {
            Path path = Path.of("dir", "f" + random.nextInt(FILES) + ".yaml");
            ConfigFile previous = files.get(path);
            ConfigFile next = null;
            if (random.nextInt(5) > 0) {
                StringBuilder content = new StringBuilder();
                int documents = 1 + random.nextInt(3);
                for (int d = 0; d < documents; d++) {
                    content.append(d == 0 ? "" : "---\n").append(DOCUMENTS.get(random.nextInt(DOCUMENTS.size())));
                }
                next = loader.load(path, content.toString(), previous);
                files.put(path, next);
            } else {
                files.remove(path);
            }
            incremental.update(path, previous, next);
            RegistryStore.Delta delta = incremental.commit();

            String where = "seed " + seed + ", step " + step + " (" + path + ")";
            RegistrySnapshot expected = FileObjects.of("File", files.values()).state().snapshot();
            RegistrySnapshot actual = incremental.state().snapshot();
            assertEquals(expected.services(), actual.services(), where + ": services");
            assertEquals(expected.endpoints(), actual.endpoints(), where + ": endpoints");
            assertEquals(expected.rules(), actual.rules(), where + ": rules");
            assertEquals(new HashSet<>(expected.errors()), new HashSet<>(actual.errors()), where + ": errors");
            assertEquals(FileObjects.of("File", files.values()).state().objects(), incremental.state().objects(), where + ": objects");

            assertEquals(servicesDiffering(before, actual), delta.services(), where + ": services reported changed");
            assertEquals(endpointsDiffering(before, actual), delta.endpoints(), where + ": endpoints reported changed");
            assertEquals(kindsDiffering(before.rules(), actual.rules()), delta.rules(), where + ": rule kinds reported changed");
            assertEquals(!before.errors().equals(actual.errors()), delta.errorsChanged(), where + ": errors reported changed");
            before = actual;
        }
    }

    private static Set<String> servicesDiffering(RegistrySnapshot a, RegistrySnapshot b) {
        Map<String, Service> x = byHost(a);
        Map<String, Service> y = byHost(b);
        Set<String> hosts = new TreeSet<>(x.keySet());
        hosts.addAll(y.keySet());
        hosts.removeIf(h -> Objects.equals(x.get(h), y.get(h)));
        return hosts;
    }

    private static Set<String> endpointsDiffering(RegistrySnapshot a, RegistrySnapshot b) {
        Map<String, Service> x = byHost(a);
        Map<String, Service> y = byHost(b);
        Set<String> hosts = new TreeSet<>();
        for (String h : y.keySet()) {
            List<Endpoint> before = a.endpoints().get(h);
            if (Objects.equals(x.get(h), y.get(h)) && !Objects.equals(before, b.endpoints().get(h))) {
                hosts.add(h);
            }
        }
        return hosts;
    }

    private static Set<io.pilot4j.model.Kind> kindsDiffering(TrafficRules a, TrafficRules b) {
        Set<io.pilot4j.model.Kind> kinds = new TreeSet<>(a.kinds());
        kinds.addAll(b.kinds());
        kinds.removeIf(k -> a.ofKind(k).equals(b.ofKind(k)));
        return kinds;
    }

    private static Map<String, Service> byHost(RegistrySnapshot s) {
        Map<String, Service> out = new TreeMap<>();
        s.services().forEach(svc -> out.put(svc.hostname(), svc));
        return out;
    }
}
