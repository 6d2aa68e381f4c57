package io.pilot4j.translate;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.pilot4j.kube.Result;
import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.mesh.OutboundTrafficPolicy;
import io.pilot4j.model.Endpoint;
import io.pilot4j.model.HealthStatus;
import io.pilot4j.model.Locality;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.RegistrySnapshot;
import io.pilot4j.model.Resolution;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.model.networking.DestinationRule;
import io.pilot4j.model.networking.Gateway;
import io.pilot4j.model.networking.Sidecar;
import io.pilot4j.model.networking.TrafficRule;
import io.pilot4j.model.networking.TrafficRules;
import io.pilot4j.model.networking.VirtualService;
import io.pilot4j.serviceregistry.ConfigKind;
import io.pilot4j.serviceregistry.Converted;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds {@link PushContext} test snapshots: {@code new PushFixture().kube("reviews", "default").http(9080)...build()},
 * with traffic rules written as Istio YAML ({@link #istio(String)}).
 */
public final class PushFixture {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()).registerModule(io.pilot4j.kube.networking.RingHash.module());
    private final List<ServiceSpec> specs = new ArrayList<>();
    private final List<TrafficRule> rules = new ArrayList<>();
    private MeshConfig mesh = MeshConfig.defaults();

    /**
     * Istio networking objects (VirtualService, DestinationRule, Sidecar, Gateway; networking.istio.io/v1), several
     * separated by {@code ---}, converted as the registries convert them; an invalid one fails the test.
     */
    public PushFixture istio(String yaml) {
        for (String doc : yaml.split("(?m)^---$")) {
            if (doc.isBlank()) {
                continue;
            }
            try {
                var tree = YAML.readTree(doc);
                ConfigKind.Served served = ConfigKind.find(tree.path("apiVersion").asText(), tree.path("kind").asText())
                        .filter(k -> k.kind().role() == ConfigKind.Role.RULE)
                        .orElseThrow(() -> new IllegalArgumentException("not a traffic rule: " + tree.path("kind").asText()));
                Result<Converted> r = served.convert(YAML.treeToValue(tree, served.type()), ConfigKind.Context.of("cluster.local"));
                if (!r.isValid()) {
                    throw new IllegalArgumentException("invalid test rule: " + r.errors() + "\n" + doc);
                }
                rules.add(((Converted.Rule) r.value()).rule());
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("bad test YAML: " + e.getMessage() + "\n" + doc, e);
            }
        }
        return this;
    }

    /** A Kubernetes service {@code name.namespace.svc.cluster.local}, client-side load balanced. */
    public ServiceSpec kube(String name, String namespace) {
        return host(name + "." + namespace + ".svc.cluster.local", namespace);
    }

    /** Any hostname (a ServiceEntry host), client-side load balanced. */
    public ServiceSpec host(String hostname, String namespace) {
        ServiceSpec spec = new ServiceSpec(this, hostname, namespace);
        specs.add(spec);
        return spec;
    }

    public PushFixture mesh(MeshConfig mesh) {
        this.mesh = mesh;
        return this;
    }

    public PushContext build() {
        List<Service> services = new ArrayList<>();
        Map<String, List<Endpoint>> endpoints = new HashMap<>();
        for (ServiceSpec s : specs) {
            services.add(new Service(s.hostname, s.namespace, s.ports, Map.of(), s.addresses, s.resolution, false, s.exportTo));
            endpoints.put(s.hostname, List.copyOf(s.endpoints));
        }
        List<VirtualService> vs = new ArrayList<>();
        List<DestinationRule> dr = new ArrayList<>();
        List<Sidecar> sc = new ArrayList<>();
        List<Gateway> gw = new ArrayList<>();
        for (TrafficRule r : rules) {
            if (r instanceof VirtualService v) {
                vs.add(v);
            } else if (r instanceof DestinationRule d) {
                dr.add(d);
            } else if (r instanceof Sidecar x) {
                sc.add(x);
            } else if (r instanceof Gateway g) {
                gw.add(g);
            }
        }
        return PushContext.build(1, Instant.EPOCH, mesh, List.of(new RegistrySnapshot("Test", services, endpoints, List.of(),
                TrafficRules.of(vs, dr, sc, gw))));
    }

    /** Istio's defaults with outboundTrafficPolicy REGISTRY_ONLY. */
    public static MeshConfig registryOnly() {
        MeshConfig d = MeshConfig.defaults();
        return meshConfig(OutboundTrafficPolicy.Mode.REGISTRY_ONLY, d.connectTimeout(), d.dnsRefreshRate());
    }

    /** Istio's defaults but for the fields generators read. */
    public static MeshConfig meshConfig(OutboundTrafficPolicy.Mode mode, Duration connectTimeout, Duration dnsRefreshRate) {
        MeshConfig d = MeshConfig.defaults();
        return new MeshConfig(d.proxyListenPort(), d.proxyInboundListenPort(), connectTimeout, d.protocolDetectionTimeout(),
                new OutboundTrafficPolicy(mode), d.defaultConfig(), d.localityLbSetting(),
                d.defaultServiceExportTo(), d.defaultVirtualServiceExportTo(), d.defaultDestinationRuleExportTo(),
                dnsRefreshRate, d.rootNamespace(), d.trustDomain(), d.enableTracing(), d.accessLogFile(),
                d.accessLogEncoding(), d.accessLogFormat(), d.enableAutoMtls(), d.ingressClass(), d.ingressService(),
                d.discoverySelectors());
    }

    /** One service under construction; ports and endpoints in the order added. */
    public static final class ServiceSpec {
        private final PushFixture fixture;
        private final String hostname;
        private final String namespace;
        private final List<ServicePort> ports = new ArrayList<>();
        private final List<String> addresses = new ArrayList<>();
        private final List<Endpoint> endpoints = new ArrayList<>();
        private Resolution resolution = Resolution.CLIENT_SIDE_LB;
        private Set<String> exportTo = Set.of();

        private ServiceSpec(PushFixture fixture, String hostname, String namespace) {
            this.fixture = fixture;
            this.hostname = hostname;
            this.namespace = namespace;
        }

        public ServiceSpec port(String name, int number, Protocol protocol) {
            ports.add(new ServicePort(name, number, protocol));
            return this;
        }

        public ServiceSpec http(int number) {
            return port("http-" + number, number, Protocol.HTTP);
        }

        public ServiceSpec grpc(int number) {
            return port("grpc-" + number, number, Protocol.GRPC);
        }

        public ServiceSpec tcp(int number) {
            return port("tcp-" + number, number, Protocol.TCP);
        }

        public ServiceSpec vip(String address) {
            addresses.add(address);
            return this;
        }

        public ServiceSpec resolution(Resolution resolution) {
            this.resolution = resolution;
            return this;
        }

        public ServiceSpec exportTo(String... namespaces) {
            this.exportTo = Set.of(namespaces);
            return this;
        }

        /** A healthy endpoint of weight 1 without locality, serving the port named {@code portName}. */
        public ServiceSpec endpoint(String address, int port, String portName) {
            return endpoint(address, port, portName, Locality.NONE, 1, HealthStatus.HEALTHY);
        }

        public ServiceSpec endpoint(String address, int port, String portName, Locality locality, int weight, HealthStatus health) {
            endpoints.add(new Endpoint(address, port, portName, Map.of(), locality, weight, health, ""));
            return this;
        }

        /** A healthy endpoint of weight 1 with workload labels (for subsets). */
        public ServiceSpec endpoint(String address, int port, String portName, Map<String, String> labels) {
            endpoints.add(new Endpoint(address, port, portName, labels, Locality.NONE, 1, HealthStatus.HEALTHY, ""));
            return this;
        }

        /** A healthy endpoint of weight 1 with workload labels and a locality. */
        public ServiceSpec endpoint(String address, int port, String portName, Map<String, String> labels, Locality locality) {
            endpoints.add(new Endpoint(address, port, portName, labels, locality, 1, HealthStatus.HEALTHY, ""));
            return this;
        }

        /** Back to the fixture, to declare the next service. */
        public PushFixture and() {
            return fixture;
        }

        public PushContext build() {
            return fixture.build();
        }
    }
}
