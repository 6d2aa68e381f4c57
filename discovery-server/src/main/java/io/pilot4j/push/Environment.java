package io.pilot4j.push;

import io.pilot4j.log.Scope;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.ConfigError;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.ServiceRegistry;
import org.slf4j.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The inputs of a push snapshot (Istio's model.Environment): the mesh config and the registries. Builds
 * a new {@link PushContext} from their current immutable state; reads nothing else.
 */
public final class Environment {
    private static final Logger log = Scope.MODEL.logger();

    private final MeshHolder mesh;
    private final List<ServiceRegistry> registries;
    private final Clock clock;
    /** Analysis messages already logged, so each is logged once, when it first appears; only the push thread writes. */
    private volatile List<ConfigError> loggedAnalysis = List.of();

    public Environment(MeshHolder mesh, List<ServiceRegistry> registries, Clock clock) {
        this.mesh = Objects.requireNonNull(mesh, "mesh");
        this.registries = List.copyOf(registries);
        this.clock = clock;
    }

    public MeshConfig mesh() {
        return mesh.mesh();
    }

    /** True when every registry finished its initial load. */
    public boolean hasSynced() {
        return registries.stream().allMatch(ServiceRegistry::hasSynced);
    }

    /** Registries that have not finished their initial load, for /ready's message. */
    public List<String> unsynced() {
        List<String> out = new ArrayList<>();
        for (ServiceRegistry r : registries) {
            if (!r.hasSynced()) {
                String status = r.syncStatus();
                out.add(status.isEmpty() ? r.provider() : r.provider() + " (" + status + ")");
            }
        }
        return out;
    }

    /** Synced registries serving a state that is not kept current, for /ready's body: "Kubernetes: not watching ...". */
    public List<String> degraded() {
        List<String> out = new ArrayList<>();
        for (ServiceRegistry r : registries) {
            String status = r.hasSynced() ? r.degradedStatus() : "";
            if (!status.isEmpty()) {
                out.add(r.provider() + ": " + status);
            }
        }
        return out;
    }

    /**
     * Config currently refused (a bad mesh file edit, objects the registries reject), read live: a bad edit
     * changes nothing that is pushed, but users must see it at once.
     */
    public List<ConfigError> configErrors() {
        List<ConfigError> out = new ArrayList<>();
        mesh.rejectedEdit().ifPresent(out::add);
        for (ServiceRegistry r : registries) {
            out.addAll(r.snapshot().errors());
        }
        return out;
    }

    /**
     * A new snapshot of everything: the mesh config, and each registry's services, endpoints and rules.
     *
     * @param sequence the number the server installs it under
     */
    public PushContext buildPushContext(long sequence) {
        PushContext push = PushContext.build(sequence, clock.instant(), mesh.mesh(), registrySnapshots());
        log.debug("built push context {}: {} services, {} conflicts", push.version(), push.services().size(), push.conflicts().size());
        for (ConfigError e : push.ruleAnalysis()) {
            if (!loggedAnalysis.contains(e)) {
                log.warn("{}", e);
            }
        }
        loggedAnalysis = push.ruleAnalysis();
        return push;
    }

    /**
     * {@code current} with the registries' current endpoints of {@code hosts}: the snapshot of a push that changes
     * those endpoints only.
     */
    public PushContext withCurrentEndpoints(PushContext current, Set<String> hosts, long sequence) {
        return current.withEndpoints(sequence, clock.instant(), registrySnapshots(), hosts);
    }

    private List<RegistrySnapshot> registrySnapshots() {
        List<RegistrySnapshot> snapshots = new ArrayList<>(registries.size());
        for (ServiceRegistry r : registries) {
            snapshots.add(r.snapshot());
        }
        return snapshots;
    }
}
