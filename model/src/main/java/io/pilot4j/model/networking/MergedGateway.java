package io.pilot4j.model.networking;

import io.pilot4j.model.ConfigError;
import io.pilot4j.model.Protocol;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The Gateways that select one router, merged into one logical gateway (Istio's model.MergedGateway, built by
 * mergeGateways): per port the servers that share its listener, and the RDS names their routes go under. Gateways
 * merge oldest first; a server that cannot share its port with those already there is skipped and reported, as Istio
 * skips it and counts it in {@code pilot_total_rejected_configs}.
 *
 * <p>On one port, plain text HTTP servers (of any gateway) share route config {@code http.PORT}; TLS servers share the
 * listener through SNI, one filter chain each, an HTTPS one with its own route config
 * {@code https.PORT.PORT_NAME.GATEWAY.NAMESPACE}; plain text and TLS servers, or two plain TCP servers, cannot share
 * a port. A server port that is a port of the router's own Service listens on its target port, as in Istio.
 *
 * @param ports    listener ports, in the order servers first claimed them
 * @param problems servers left out, and why
 */
public record MergedGateway(List<ServerPort> ports, List<Problem> problems) {
    public static final MergedGateway NONE = new MergedGateway(List.of(), List.of());

    public MergedGateway {
        ports = List.copyOf(ports);
        problems = List.copyOf(problems);
    }

    /**
     * One server of one Gateway, as merged.
     *
     * @param index     its position in the Gateway's {@code spec.servers}
     * @param hosts     its hosts with {@code ./host} made {@code namespace/host} and {@code * /host} made {@code host}
     * @param routeName its RDS name: {@code http.PORT} or {@code https.PORT...}; empty for TCP and TLS servers
     */
    public record GatewayServer(Gateway gateway, int index, Gateway.Server server, List<String> hosts, String routeName) {
        public GatewayServer {
            Objects.requireNonNull(gateway, "gateway");
            hosts = List.copyOf(hosts);
        }

        /** {@code namespace/name}: how VirtualServices name the gateway they bind to. */
        public String gatewayName() {
            return gateway.meta().namespace() + "/" + gateway.meta().name();
        }

        public Protocol protocol() {
            return Protocol.parse(server.protocol());
        }

        /** Istio's IsTLSServer: TLS settings on a server that is not plain text HTTP (those only redirect). */
        public boolean isTls() {
            return server.tls().isPresent() && !protocol().isHttp();
        }

        /** An HTTPS or TLS server whose connections Envoy forwards by SNI without terminating them (tls routes). */
        public boolean passesThrough() {
            return isTls() && server.tls().get().mode().equals("PASSTHROUGH");
        }

        /** An HTTPS or TLS server whose TLS Envoy terminates with certificate files. */
        public boolean terminatesTls() {
            return isTls() && Set.of("SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL").contains(server.tls().get().mode());
        }

        /** Istio's GetSNIHostsForServer: the hosts without their namespace, sorted, each once. */
        public List<String> sniHosts() {
            Set<String> out = new TreeSet<>();
            for (String h : hosts) {
                out.add(h.substring(h.indexOf('/') + 1));
            }
            return List.copyOf(out);
        }

        /** Where the server is written, for messages: {@code spec.servers[1] (port 443 "https")}. */
        public String describe() {
            return "spec.servers[" + index + "] (port " + server.port() + " \"" + server.portName() + "\")";
        }
    }

    /**
     * One listener port.
     *
     * @param protocol  the protocol of the first server, which decides what may join
     * @param routeName {@code http.PORT} when it serves plain text HTTP, else empty (TLS servers carry their own)
     */
    public record ServerPort(int number, Protocol protocol, List<GatewayServer> servers, String routeName) {
        public ServerPort {
            servers = List.copyOf(servers);
        }

        /** Plain text HTTP: one connection manager for every server, on route config {@link #routeName}. */
        public boolean isHttp() {
            return protocol.isHttp();
        }
    }

    /** A server left out of the merge. */
    public record Problem(Gateway gateway, int serverIndex, String message) {
        public ConfigError toConfigError(String source) {
            return new ConfigError(source, -1, "Gateway", gateway.meta().namespace(), gateway.meta().name(),
                    "spec.servers[" + serverIndex + "]: " + message);
        }
    }

    /** The servers whose virtual hosts route config {@code routeName} holds (several for {@code http.PORT}). */
    public List<GatewayServer> serversForRoute(String routeName) {
        List<GatewayServer> out = new ArrayList<>();
        for (ServerPort p : ports) {
            for (GatewayServer s : p.servers()) {
                if (!routeName.isEmpty() && s.routeName().equals(routeName)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** Every RDS name the listeners of this gateway refer to, in port order. */
    public Set<String> routeNames() {
        Set<String> out = new java.util.LinkedHashSet<>();
        for (ServerPort p : ports) {
            for (GatewayServer s : p.servers()) {
                if (!s.routeName().isEmpty()) {
                    out.add(s.routeName());
                }
            }
        }
        return out;
    }

    /** Istio's mergeGateways over {@code gateways}, oldest first. */
    public static MergedGateway merge(List<Gateway> gateways) {
        return merge(gateways, Map.of());
    }

    /**
     * @param targetPorts Istio's gateway port translation (resolvePorts): a server port that is a port of the router's
     *                    own Service listens on that port's target port (80 on 8080), as the router's pod receives it;
     *                    other ports listen as written
     */
    public static MergedGateway merge(List<Gateway> gateways, Map<Integer, Integer> targetPorts) {
        Map<Integer, PortBuilder> byPort = new LinkedHashMap<>();
        Set<String> httpsRouteNames = new HashSet<>();
        List<Problem> problems = new ArrayList<>();
        for (Gateway g : gateways) {
            for (int i = 0; i < g.servers().size(); i++) {
                Gateway.Server s = g.servers().get(i);
                GatewayServer server = new GatewayServer(g, i, s, sanitizeHosts(s.hosts(), g.meta().namespace()), "");
                String unsupported = unsupported(server);
                if (unsupported != null) {
                    problems.add(new Problem(g, i, unsupported));
                    continue;
                }
                int listenPort = targetPorts.getOrDefault(s.port(), s.port());
                server = new GatewayServer(g, i, s, server.hosts(), routeName(server, listenPort));
                PortBuilder port = byPort.get(listenPort);
                if (port == null) {
                    port = new PortBuilder(listenPort, server.protocol(), !server.isTls());
                    byPort.put(listenPort, port);
                } else {
                    String conflict = port.conflict(server, httpsRouteNames);
                    if (conflict != null) {
                        problems.add(new Problem(g, i, conflict + "; this server is skipped"));
                        continue;
                    }
                }
                port.add(server);
                if (server.protocol() == Protocol.HTTPS) {
                    httpsRouteNames.add(server.routeName());
                }
            }
        }
        List<ServerPort> ports = new ArrayList<>();
        byPort.values().forEach(p -> ports.add(p.build()));
        return new MergedGateway(ports, problems);
    }

    /** What pilot4j cannot serve yet; such a server is left out rather than served wrongly. */
    private static String unsupported(GatewayServer s) {
        if (!s.server().bind().isEmpty()) {
            return "bind " + s.server().bind() + " is not supported yet (listeners bind 0.0.0.0); the server is skipped";
        }
        if (s.protocol() == Protocol.UDP) {
            return "UDP servers are not supported; the server is skipped";
        }
        if (!s.isTls()) {
            return null;
        }
        Gateway.ServerTlsSettings tls = s.server().tls().get();
        if (!tls.credentialName().isEmpty()) {
            return "tls.credentialName \"" + tls.credentialName() + "\" is not supported (pilot4j serves no SDS secrets): "
                    + "use serverCertificate and privateKey files; the server is skipped";
        }
        if (!tls.caCertCredentialName().isEmpty()) {
            return "tls.caCertCredentialName \"" + tls.caCertCredentialName() + "\" is not supported (pilot4j serves no SDS secrets): "
                    + "use a caCertificates file; the server is skipped";
        }
        return switch (tls.mode()) {
            case "SIMPLE", "MUTUAL", "OPTIONAL_MUTUAL", "PASSTHROUGH" -> null;
            case "ISTIO_MUTUAL" -> "tls.mode ISTIO_MUTUAL is not supported (pilot4j issues no mesh certificates); the server is skipped";
            default -> "tls.mode " + tls.mode() + " is not supported yet for gateways; the server is skipped";
        };
    }

    /** Istio's gatewayRDSRouteName (without bind, which is not supported): plain HTTP is named by the listening port. */
    private static String routeName(GatewayServer s, int listenPort) {
        if (s.protocol().isHttp()) {
            return "http." + listenPort;
        }
        if (s.protocol() == Protocol.HTTPS && s.terminatesTls()) {
            return "https." + s.server().port() + "." + s.server().portName() + "." + s.gateway().meta().name() + "."
                    + s.gateway().meta().namespace();
        }
        return "";
    }

    /** Istio's sanitizeServerHostNamespace: {@code ./h} is the gateway's namespace, {@code * /h} is {@code h}, {@code * /*} is {@code *}. */
    static List<String> sanitizeHosts(List<String> hosts, String namespace) {
        List<String> out = new ArrayList<>();
        for (String h : hosts) {
            int slash = h.indexOf('/');
            if (slash < 0) {
                out.add(h);
                continue;
            }
            String ns = h.substring(0, slash);
            String name = h.substring(slash + 1);
            if (ns.equals(".")) {
                out.add(namespace + "/" + name);
            } else if (ns.equals("*")) {
                if (name.equals("*")) {
                    return List.of("*");
                }
                out.add(name);
            } else {
                out.add(h);
            }
        }
        return out;
    }

    private static final class PortBuilder {
        private final int number;
        private final Protocol protocol;
        private final boolean plainText;
        private final List<GatewayServer> servers = new ArrayList<>();
        private final Map<String, GatewayServer> sniHosts = new LinkedHashMap<>();

        PortBuilder(int number, Protocol protocol, boolean plainText) {
            this.number = number;
            this.protocol = protocol;
            this.plainText = plainText;
        }

        /** Why {@code s} cannot join this port, or null (Istio's canMergeProtocols and the SNI duplicate check). */
        String conflict(GatewayServer s, Set<String> httpsRouteNames) {
            GatewayServer first = servers.get(0);
            String existing = "port " + number + " is already served by Gateway " + first.gateway().meta() + " "
                    + first.describe() + " with protocol " + protocol.istioName();
            if (plainText) {
                return s.protocol().isHttp() && protocol.isHttp() ? null : existing;
            }
            if (!s.isTls()) {
                return existing + " (TLS servers and plain text servers cannot share a port)";
            }
            if (s.protocol() == Protocol.HTTPS && httpsRouteNames.contains(s.routeName())) {
                return "route name " + s.routeName() + " is already taken: HTTPS port names must be unique";
            }
            for (String h : s.sniHosts()) {
                GatewayServer other = sniHosts.get(h);
                if (other != null) {
                    return "host " + h + " on port " + number + " is already served by Gateway " + other.gateway().meta() + " "
                            + other.describe() + ": SNI hosts must be unique per port";
                }
            }
            return null;
        }

        void add(GatewayServer s) {
            servers.add(s);
            if (s.isTls()) {
                s.sniHosts().forEach(h -> sniHosts.put(h, s));
            }
        }

        ServerPort build() {
            return new ServerPort(number, protocol, servers, plainText && protocol.isHttp() ? "http." + number : "");
        }
    }
}
