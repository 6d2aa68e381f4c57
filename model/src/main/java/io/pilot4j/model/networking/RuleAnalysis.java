package io.pilot4j.model.networking;

import io.pilot4j.model.ConfigError;
import io.pilot4j.model.Service;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Checks between rules that no single rule's validation can make (Istio reports them through analysis, e.g.
 * IST0101 "Referenced host+subset in destinationrule not found"). Like Istio, pilot4j still pushes such a route:
 * its cluster does not exist, so Envoy answers 503 (NC) and a gRPC client UNAVAILABLE for the share of traffic sent
 * there.
 */
public final class RuleAnalysis {
    /** The source named in the errors: they are found in the push snapshot, not in one file. */
    public static final String SOURCE = "analysis";

    private RuleAnalysis() {
    }

    public static List<ConfigError> analyze(RuleIndex index, Map<String, Service> services) {
        List<ConfigError> out = new ArrayList<>(index.delegationErrors());
        for (VirtualService vs : index.rules().virtualServices()) {
            unservedHosts(vs, services).ifPresent(out::add);
            for (int i = 0; i < vs.http().size(); i++) {
                HttpRoute route = vs.http().get(i);
                String path = "spec.http[" + i + "]";
                for (int j = 0; j < route.route().size(); j++) {
                    check(index, services, vs, route.route().get(j).destination(), path + ".route[" + j + "].destination", out);
                }
                for (int j = 0; j < route.mirrors().size(); j++) {
                    check(index, services, vs, route.mirrors().get(j).destination(), path + ".mirrors[" + j + "].destination", out);
                }
            }
            for (int i = 0; i < vs.tcp().size(); i++) {
                List<RouteDestination> route = vs.tcp().get(i).route();
                for (int j = 0; j < route.size(); j++) {
                    check(index, services, vs, route.get(j).destination(), "spec.tcp[" + i + "].route[" + j + "].destination", out);
                }
            }
            for (int i = 0; i < vs.tls().size(); i++) {
                List<RouteDestination> route = vs.tls().get(i).route();
                for (int j = 0; j < route.size(); j++) {
                    check(index, services, vs, route.get(j).destination(), "spec.tls[" + i + "].route[" + j + "].destination", out);
                }
            }
        }
        out.addAll(gatewayProblems(index));
        for (DestinationRule dr : index.rules().destinationRules()) {
            grpcTls(dr).ifPresent(out::add);
        }
        return out;
    }

    /**
     * Hosts of a VirtualService for sidecars and gRPC clients that name no service. Their routes are built into the
     * virtual hosts of services only (Istio would also give an external name a virtual host of its own on the ports
     * the proxy listens on), so they route nothing until a ServiceEntry declares the host.
     */
    static Optional<ConfigError> unservedHosts(VirtualService vs, Map<String, Service> services) {
        if (!vs.appliesToMesh()) {
            return Optional.empty();
        }
        List<String> unserved = new ArrayList<>();
        for (int i = 0; i < vs.hosts().size(); i++) {
            String host = vs.hosts().get(i);
            if (services.keySet().stream().noneMatch(h -> Hosts.matches(host, h))) {
                unserved.add("spec.hosts[" + i + "]: \"" + host + "\"");
            }
        }
        if (unserved.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ConfigError(SOURCE, -1, "VirtualService", vs.meta().namespace(), vs.meta().name(),
                String.join(", ", unserved) + (unserved.size() == 1 ? " names" : " name") + " no service: sidecars and gRPC "
                        + "clients get no routes for it (pilot4j routes the hosts of services only); declare it with a ServiceEntry"));
    }

    /**
     * A DestinationRule asking for TLS, which proxyless gRPC clients are not sent: grpc-java takes upstream TLS only
     * from certificate providers named in its own bootstrap, and a cluster without it would go out in plain text.
     * Their clusters of the rule's host (on the ports and subsets with TLS) are left out; Envoy proxies get the TLS.
     */
    static Optional<ConfigError> grpcTls(DestinationRule dr) {
        List<String> paths = new ArrayList<>();
        tlsPaths(dr.trafficPolicy(), "spec.trafficPolicy", paths);
        for (int i = 0; i < dr.subsets().size(); i++) {
            int at = i;
            dr.subsets().get(i).trafficPolicy().ifPresent(p -> tlsPaths(p, "spec.subsets[" + at + "].trafficPolicy", paths));
        }
        if (paths.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ConfigError(SOURCE, -1, "DestinationRule", dr.meta().namespace(), dr.meta().name(), String.join(", ", paths)
                + ": TLS is not sent to proxyless gRPC clients (grpc-java takes it from certificate providers in its bootstrap); "
                + "they get no cluster where it applies rather than one in plain text"));
    }

    private static void tlsPaths(TrafficPolicy policy, String path, List<String> out) {
        if (policy.tls().filter(RuleAnalysis::originatesTls).isPresent()) {
            out.add(path + ".tls");
        }
        for (int i = 0; i < policy.portLevelSettings().size(); i++) {
            if (policy.portLevelSettings().get(i).tls().filter(RuleAnalysis::originatesTls).isPresent()) {
                out.add(path + ".portLevelSettings[" + i + "].tls");
            }
        }
    }

    /** Whether the proxy would speak TLS to the destination under these settings. */
    public static boolean originatesTls(ClientTlsSettings tls) {
        return tls.mode() != ClientTlsSettings.Mode.DISABLE;
    }

    /**
     * Servers of Gateways that a router would not serve: what pilot4j does not support (credentialName, ISTIO_MUTUAL,
     * passthrough, bind), and conflicts between the Gateways that select a router labelled exactly as each Gateway's
     * selector says (the usual deployment: one selector per gateway Deployment). Istio logs these per proxy.
     */
    private static List<ConfigError> gatewayProblems(RuleIndex index) {
        java.util.Set<ConfigError> out = new java.util.LinkedHashSet<>();
        for (Gateway gw : index.rules().gateways()) {
            for (MergedGateway.Problem p : index.mergedGateway(gw.selector()).problems()) {
                out.add(p.toConfigError(SOURCE));
            }
        }
        return List.copyOf(out);
    }

    private static void check(RuleIndex index, Map<String, Service> services, VirtualService vs, Destination d, String path,
                              List<ConfigError> out) {
        if (d.subset().isEmpty()) {
            return;
        }
        String namespace = vs.meta().namespace();
        Service service = services.get(d.host());
        String serviceNamespace = service == null ? namespace : service.namespace();
        Optional<DestinationRule> dr = index.destinationRule(namespace, serviceNamespace, d.host());
        if (dr.isEmpty() || dr.get().subset(d.subset()).isEmpty()) {
            String found = dr.map(r -> "DestinationRule " + r.meta() + " has no subset \"" + d.subset() + "\"")
                    .orElse("no DestinationRule for " + d.host() + " is visible in namespace " + namespace);
            out.add(new ConfigError(SOURCE, -1, "VirtualService", namespace, vs.meta().name(),
                    path + ".subset: subset \"" + d.subset() + "\" of host " + d.host() + " is not defined (" + found
                            + "); the route still applies and its requests to that subset fail, as in Istio"));
        }
    }
}
