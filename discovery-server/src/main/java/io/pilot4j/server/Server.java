package io.pilot4j.server;

import io.pilot4j.debug.DebugHttpServer;
import io.pilot4j.debug.Readiness;
import io.pilot4j.log.Scope;
import io.pilot4j.mesh.MeshConfigJson;
import io.pilot4j.model.ConfigKey;
import io.pilot4j.model.Kind;
import io.pilot4j.model.PushRequest;
import io.pilot4j.model.ServiceRegistry;
import io.pilot4j.model.TriggerReason;
import io.pilot4j.model.XdsUpdater;
import io.pilot4j.monitoring.MonitoringServer;
import io.pilot4j.push.Environment;
import io.pilot4j.serviceregistry.ConfigStore;
import io.pilot4j.serviceregistry.file.FileRegistry;
import io.pilot4j.serviceregistry.kube.KubeRegistry;
import io.pilot4j.xds.DiscoveryServer;
import io.pilot4j.xds.XdsGrpcServer;
import org.slf4j.Logger;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A running discovery server (Istio's bootstrap.Server): mesh config, registries, the monitoring listener, the push
 * pipeline, the HTTP listener and the ADS gRPC listener, started in that order and closed in reverse.
 */
public final class Server implements AutoCloseable {
    private static final Logger log = Scope.DEFAULT.logger();

    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private DiscoveryServer discovery;
    private MonitoringServer monitoring;
    private XdsGrpcServer grpc;
    private DebugHttpServer http;
    private volatile boolean ready;

    private Server() {
    }

    public static Server start(PilotArgs args, Clock clock) throws StartupException {
        Server server = new Server();
        try {
            server.startComponents(args, clock);
            return server;
        } catch (StartupException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    private void startComponents(PilotArgs args, Clock clock) throws StartupException {
        // Registries and the mesh watcher report to the discovery server, which needs them to exist first.
        AtomicReference<DiscoveryServer> discoveryRef = new AtomicReference<>();
        AtomicReference<KubeRegistry> kubeRef = new AtomicReference<>();
        XdsUpdater updater = request -> {
            DiscoveryServer d = discoveryRef.get();
            if (d != null) {
                d.configUpdate(request);
            }
        };
        MeshWatcher mesh = MeshWatcher.load(args.meshConfig(), args.meshConfigExplicit(), m -> {
            KubeRegistry kube = kubeRef.get();
            if (kube != null) {
                // discoverySelectors may have changed: the registry re-reads them and pushes what that changes.
                kube.meshChanged();
            }
            updater.configUpdate(PushRequest.full(TriggerReason.GLOBAL, Set.of(new ConfigKey(Kind.MESH_CONFIG, "", "mesh")), clock.instant()));
        });
        closeables.add(mesh);

        // Kubernetes first: a hostname declared by both registries is the cluster's.
        List<ServiceRegistry> registries = new ArrayList<>();
        List<ConfigStore> stores = new ArrayList<>();
        KubeRegistry kube = null;
        if (args.kube() != null) {
            try {
                kube = new KubeRegistry(args.kube(), () -> mesh.mesh().discoverySelectors(), updater, clock);
            } catch (IllegalArgumentException e) {
                throw new StartupException(e.getMessage(), e);
            }
            closeables.add(kube);
            kubeRef.set(kube);
            registries.add(kube);
            stores.add(kube);
        }
        FileRegistry files = null;
        if (args.configDir() != null) {
            if (!Files.isDirectory(args.configDir())) {
                throw new StartupException("--configDir " + args.configDir() + ": not a directory");
            }
            files = new FileRegistry(args.configDir(), args.domain(), updater);
            closeables.add(files);
            registries.add(files);
            stores.add(files);
        }
        if (registries.isEmpty()) {
            log.info("no --configDir and no Kubernetes cluster (--kubeconfig, KUBECONFIG or in a pod): serving no services");
        }

        try {
            monitoring = MonitoringServer.start(args.monitoringAddr());
        } catch (IOException e) {
            throw new StartupException("--monitoringAddr " + display(args.monitoringAddr()) + ": cannot listen: " + e.getMessage(), e);
        }
        closeables.add(monitoring);
        log.info("monitoring (metrics) listening on {}", display(monitoring.boundAddress()));
        if (kube != null) {
            monitoring.pilotMetrics().bindWatchDegraded(KubeRegistry.RESOURCES_READ, kube::degradedWatches);
        }

        Environment environment = new Environment(mesh, registries, clock);
        discovery = new DiscoveryServer(environment, monitoring.pilotMetrics(), args.tuning(), clock, identifier());
        closeables.add(discovery);
        discoveryRef.set(discovery);

        Readiness readiness = new Readiness() {
            @Override
            public Optional<String> notReadyReason() {
                return ready ? Optional.empty() : Optional.of(environment.unsynced().isEmpty()
                        ? "initial push context not built" : "registries not synced: " + environment.unsynced());
            }

            @Override
            public List<String> degraded() {
                return environment.degraded();
            }
        };
        try {
            http = DebugHttpServer.start(args.httpAddr(), readiness, discovery, stores,
                    Map.of("mesh", () -> MeshConfigJson.toTree(mesh.mesh())), clock);
        } catch (IOException e) {
            throw new StartupException("--httpAddr " + display(args.httpAddr()) + ": cannot listen: " + e.getMessage(), e);
        }
        closeables.add(http);
        log.info("HTTP (ready, debug) listening on {}", display(http.boundAddress()));

        // Listen at once, as istiod does, and turn streams away with UNAVAILABLE until the registries have synced,
        // which for a cluster can take minutes: clients retry with backoff instead of hanging on a closed port.
        try {
            grpc = XdsGrpcServer.start(args.grpcAddr(), discovery, args.maxServerConnectionAge(), XdsGrpcServer.MAX_CONNECTION_AGE_GRACE);
        } catch (IOException e) {
            throw new StartupException("--grpcAddr " + display(args.grpcAddr()) + ": cannot listen: " + e.getMessage(), e);
        }
        closeables.add(grpc);
        log.info("gRPC (xDS) listening on {}", display(grpc.boundAddress()));

        if (files != null) {
            files.start();
        }
        mesh.watch();
        if (kube == null) {
            becomeReady();
        } else {
            kube.start();
            log.info("xDS streams are refused (UNAVAILABLE) until the Kubernetes registry has synced; /ready says why meanwhile");
            kube.synced().thenRun(this::becomeReady);
        }
    }

    /** Every registry has synced: build the first snapshot and serve. */
    private synchronized void becomeReady() {
        if (ready || stopped.getCount() == 0) {
            return;
        }
        discovery.initialize();
        ready = true;
        log.info("ready: serving xDS");
    }

    public InetSocketAddress grpcAddress() {
        return grpc.boundAddress();
    }

    public InetSocketAddress httpAddress() {
        return http.boundAddress();
    }

    public InetSocketAddress monitoringAddress() {
        return monitoring.boundAddress();
    }

    public DiscoveryServer discovery() {
        return discovery;
    }

    public boolean isReady() {
        return ready;
    }

    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    @Override
    public void close() {
        ready = false;
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                log.warn("error while stopping {}: {}", closeables.get(i).getClass().getSimpleName(), e.toString());
            }
        }
        closeables.clear();
        stopped.countDown();
    }

    /** {@code host:port} as a user would type it back into a flag or a bootstrap. */
    static String display(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        String host = ip == null ? address.getHostString() : ip.getHostAddress();
        if (host.contains(":")) {
            host = "[" + host + "]";
        }
        return host + ":" + address.getPort();
    }

    private static String identifier() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        return "pilot4j-" + host;
    }
}
