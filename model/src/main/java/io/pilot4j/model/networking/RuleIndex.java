package io.pilot4j.model.networking;

import io.pilot4j.mesh.MeshConfig;
import io.pilot4j.model.ExportTo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lookups generators make on traffic rules, with Istio's scoping (pilot/pkg/model/push_context.go): which
 * VirtualService routes a host for a proxy's namespace, and which DestinationRule applies to a service. Immutable
 * apart from memoised answers, which depend only on the rules and the mesh config it was built from.
 */
public final class RuleIndex {
    private final MeshConfig mesh;
    private final TrafficRules rules;
    /** The VirtualServices proxies use: delegates merged into their roots. */
    private final VirtualServiceDelegation.Resolved virtualServices;
    /** namespace -> VirtualServices a sidecar there uses, oldest first. */
    private final Map<String, List<VirtualService>> meshVirtualServices = new ConcurrentHashMap<>();
    /** namespace + "/" + hostname -> the DestinationRule (merged) that applies, or none. */
    private final Map<String, Optional<DestinationRule>> destinationRules = new ConcurrentHashMap<>();

    public RuleIndex(MeshConfig mesh, TrafficRules rules) {
        this.mesh = mesh;
        this.rules = rules;
        this.virtualServices = VirtualServiceDelegation.resolve(rules.virtualServices(), mesh.defaultVirtualServiceExportTo());
    }

    public TrafficRules rules() {
        return rules;
    }

    /** The VirtualServices that route, oldest first: delegates merged into the roots that name them, and left out. */
    public List<VirtualService> virtualServices() {
        return virtualServices.virtualServices();
    }

    /** Root routes and delegate routes dropped while merging delegates (Istio logs them), for analysis. */
    public List<io.pilot4j.model.ConfigError> delegationErrors() {
        return virtualServices.errors();
    }

    private record SidecarKey(String namespace, Map<String, String> labels) {
    }

    private volatile java.util.Set<String> workloadLabelKeys;

    /**
     * The workload label keys any rule selects on (VirtualService match sourceLabels, Sidecar and DestinationRule
     * workloadSelector, Gateway selector) or that failoverPriority compares: the only labels of a proxy that can
     * change what it is sent.
     */
    public java.util.Set<String> workloadLabelKeys() {
        java.util.Set<String> keys = workloadLabelKeys;
        if (keys == null) {
            java.util.Set<String> out = new java.util.HashSet<>();
            for (VirtualService vs : rules.virtualServices()) {
                vs.http().forEach(r -> r.match().forEach(m -> out.addAll(m.sourceLabels().keySet())));
                vs.tcp().forEach(r -> r.match().forEach(m -> out.addAll(m.sourceLabels().keySet())));
                vs.tls().forEach(r -> r.match().forEach(m -> out.addAll(m.sourceLabels().keySet())));
            }
            rules.sidecars().forEach(sc -> out.addAll(sc.workloadSelector().keySet()));
            rules.destinationRules().forEach(dr -> out.addAll(dr.workloadSelector().keySet()));
            rules.gateways().forEach(gw -> out.addAll(gw.selector().keySet()));
            out.addAll(LocalityLoadBalancing.failoverPriorityLabels(mesh, rules.destinationRules()));
            keys = java.util.Set.copyOf(out);
            workloadLabelKeys = keys;
        }
        return keys;
    }

    private volatile Boolean localityMatters;

    /** Whether a proxy's locality can change what it is sent ({@link LocalityLoadBalancing#localityMatters}). */
    public boolean localityMatters() {
        Boolean matters = localityMatters;
        if (matters == null) {
            matters = LocalityLoadBalancing.localityMatters(mesh, rules.destinationRules());
            localityMatters = matters;
        }
        return matters;
    }

    /** namespace + workload labels -> the Sidecar that applies, or none. */
    private final Map<SidecarKey, Optional<Sidecar>> sidecars = new ConcurrentHashMap<>();

    /**
     * The Sidecar of a proxy (Istio's sidecar selection): the oldest of its namespace whose workloadSelector its labels
     * match, else the oldest of its namespace without a selector, else the oldest of the root namespace without one.
     */
    public Optional<Sidecar> sidecar(String namespace, Map<String, String> labels) {
        if (rules.sidecars().isEmpty()) {
            return Optional.empty();
        }
        return sidecars.computeIfAbsent(new SidecarKey(namespace, labels), k -> {
            for (Sidecar sc : rules.sidecars()) {
                if (sc.meta().namespace().equals(namespace) && !sc.workloadSelector().isEmpty()
                        && labels.entrySet().containsAll(sc.workloadSelector().entrySet())) {
                    return Optional.of(sc);
                }
            }
            for (String ns : List.of(namespace, mesh.rootNamespace())) {
                for (Sidecar sc : rules.sidecars()) {
                    if (sc.meta().namespace().equals(ns) && sc.workloadSelector().isEmpty()) {
                        return Optional.of(sc);
                    }
                }
            }
            return Optional.empty();
        });
    }

    /** workload labels -> the Gateways selecting them, merged. */
    private final Map<GatewayKey, MergedGateway> mergedGateways = new ConcurrentHashMap<>();

    private record GatewayKey(Map<String, String> labels, Map<Integer, Integer> targetPorts) {
    }
    /** proxy namespace + " " + gateway name -> the VirtualServices bound to it that the namespace sees. */
    private final Map<String, List<VirtualService>> gatewayVirtualServices = new ConcurrentHashMap<>();

    /**
     * The Gateways that apply to a router with these workload labels, merged (Istio's PushContext.mergeGateways):
     * those whose selector its labels contain (no selector: every router), from every namespace, as Istio selects them
     * unless PILOT_SCOPE_GATEWAY_TO_NAMESPACE is set.
     */
    public MergedGateway mergedGateway(Map<String, String> labels) {
        return mergedGateway(labels, Map.of());
    }

    /** The same for a router whose own Service maps these ports to target ports ({@link MergedGateway#merge(List, Map)}). */
    public MergedGateway mergedGateway(Map<String, String> labels, Map<Integer, Integer> targetPorts) {
        if (rules.gateways().isEmpty()) {
            return MergedGateway.NONE;
        }
        return mergedGateways.computeIfAbsent(new GatewayKey(labels, targetPorts), k -> {
            List<Gateway> selected = new ArrayList<>();
            for (Gateway gw : rules.gateways()) {
                if (k.labels().entrySet().containsAll(gw.selector().entrySet())) {
                    selected.add(gw);
                }
            }
            return MergedGateway.merge(selected, k.targetPorts());
        });
    }

    /**
     * The VirtualServices bound to {@code gateway} ({@code namespace/name}) that a router of {@code proxyNamespace}
     * sees (Istio's VirtualServicesForGateway): exported to its namespace only, then exported to it by name, then
     * exported everywhere; oldest first within each.
     */
    public List<VirtualService> virtualServicesForGateway(String proxyNamespace, String gateway) {
        if (rules.virtualServices().isEmpty()) {
            return List.of();
        }
        return gatewayVirtualServices.computeIfAbsent(proxyNamespace + " " + gateway, k -> {
            List<List<VirtualService>> ranks = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (VirtualService vs : virtualServices()) {
                if (!vs.gateways().contains(gateway)) {
                    continue;
                }
                List<String> exportTo = vs.exportTo().isEmpty() ? mesh.defaultVirtualServiceExportTo() : vs.exportTo();
                String ns = vs.meta().namespace();
                if (exportTo.contains("*")) {
                    ranks.get(2).add(vs);
                } else if (exportTo.contains("~")) {
                    continue;
                } else if (ns.equals(proxyNamespace) && (exportTo.contains(".") || exportTo.contains(ns))) {
                    ranks.get(0).add(vs);
                } else if (exportTo.contains(proxyNamespace)) {
                    ranks.get(1).add(vs);
                }
            }
            List<VirtualService> out = new ArrayList<>();
            ranks.forEach(out::addAll);
            return List.copyOf(out);
        });
    }

    /**
     * VirtualServices a sidecar in {@code namespace} uses (Istio's VirtualServicesForGateway with the "mesh"
     * gateway): bound to {@code mesh} and exported to the namespace, oldest first.
     */
    public List<VirtualService> virtualServicesForMesh(String namespace) {
        return meshVirtualServices.computeIfAbsent(namespace, ns -> {
            List<VirtualService> out = new ArrayList<>();
            for (VirtualService vs : virtualServices()) {
                List<String> exportTo = vs.exportTo().isEmpty() ? mesh.defaultVirtualServiceExportTo() : vs.exportTo();
                if (vs.appliesToMesh() && ExportTo.visible(exportTo, vs.meta().namespace(), ns)) {
                    out.add(vs);
                }
            }
            return List.copyOf(out);
        });
    }

    /**
     * The VirtualService that routes {@code hostname} for sidecars of {@code namespace}: the oldest visible one
     * with a host covering it. Istio gives a host's virtual host to the first VirtualService that claims it and
     * drops the others for sidecars (only gateways merge VirtualServices of one host).
     */
    public Optional<VirtualService> virtualServiceForHost(String namespace, String hostname) {
        if (rules.virtualServices().isEmpty()) {
            return Optional.empty();
        }
        for (VirtualService vs : virtualServicesForMesh(namespace)) {
            for (String h : vs.hosts()) {
                if (Hosts.matches(h, hostname)) {
                    return Optional.of(vs);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * The DestinationRule for a service as a proxy of {@code proxyNamespace} sees it (Istio's destinationRule
     * lookup): rules of the proxy's namespace first, then rules of the service's namespace exported to the proxy,
     * then rules of the root namespace exported to it. Within a namespace the most specific host wins, and rules
     * of one host merge as in Istio: the oldest one's traffic policy, and every rule's subsets (a name already
     * taken is skipped). Rules with a workloadSelector apply only to the workloads they select (see the overload with
     * labels).
     */
    public Optional<DestinationRule> destinationRule(String proxyNamespace, String serviceNamespace, String hostname) {
        return destinationRule(proxyNamespace, Map.of(), serviceNamespace, hostname);
    }

    /**
     * The same for a proxy with these workload labels: a rule of the proxy's namespace whose workloadSelector matches
     * them comes first (Istio applies such rules to those workloads only, never across namespaces).
     */
    public Optional<DestinationRule> destinationRule(String proxyNamespace, Map<String, String> labels, String serviceNamespace,
                                                     String hostname) {
        if (rules.destinationRules().isEmpty()) {
            return Optional.empty();
        }
        if (!labels.isEmpty() && hasSelectors()) {
            Optional<DestinationRule> chosen = selected.computeIfAbsent(new SelectedKey(proxyNamespace, labels, hostname),
                    k -> selectedInNamespace(proxyNamespace, labels, hostname));
            if (chosen.isPresent()) {
                return chosen;
            }
        }
        return destinationRules.computeIfAbsent(proxyNamespace + "/" + serviceNamespace + "/" + hostname, k -> {
            Optional<DestinationRule> local = inNamespace(proxyNamespace, proxyNamespace, hostname, false);
            if (local.isPresent()) {
                return local;
            }
            Optional<DestinationRule> ofService = inNamespace(serviceNamespace, proxyNamespace, hostname, true);
            if (ofService.isPresent()) {
                return ofService;
            }
            String root = mesh.rootNamespace();
            return root.isEmpty() ? Optional.empty() : inNamespace(root, proxyNamespace, hostname, true);
        });
    }

    private record SelectedKey(String namespace, Map<String, String> labels, String hostname) {
    }

    private final Map<SelectedKey, Optional<DestinationRule>> selected = new ConcurrentHashMap<>();

    private boolean hasSelectors() {
        for (DestinationRule dr : rules.destinationRules()) {
            if (!dr.workloadSelector().isEmpty()) {
                return true;
            }
        }
        return false;
    }

    private Optional<DestinationRule> selectedInNamespace(String namespace, Map<String, String> labels, String hostname) {
        Map<String, List<DestinationRule>> byHost = new LinkedHashMap<>();
        for (DestinationRule dr : rules.destinationRules()) {
            if (dr.meta().namespace().equals(namespace) && !dr.workloadSelector().isEmpty()
                    && labels.entrySet().containsAll(dr.workloadSelector().entrySet())) {
                byHost.computeIfAbsent(dr.host(), h -> new ArrayList<>()).add(dr);
            }
        }
        return Hosts.mostSpecificMatch(hostname, byHost.keySet()).map(h -> merge(byHost.get(h)));
    }

    private Optional<DestinationRule> inNamespace(String namespace, String proxyNamespace, String hostname, boolean exported) {
        Map<String, List<DestinationRule>> byHost = new LinkedHashMap<>();
        for (DestinationRule dr : rules.destinationRules()) {
            if (!dr.meta().namespace().equals(namespace) || !dr.workloadSelector().isEmpty()) {
                continue;
            }
            List<String> exportTo = dr.exportTo().isEmpty() ? mesh.defaultDestinationRuleExportTo() : dr.exportTo();
            if (exported && !ExportTo.visible(exportTo, namespace, proxyNamespace)) {
                continue;
            }
            byHost.computeIfAbsent(dr.host(), h -> new ArrayList<>()).add(dr);
        }
        return Hosts.mostSpecificMatch(hostname, byHost.keySet()).map(h -> merge(byHost.get(h)));
    }

    private static DestinationRule merge(List<DestinationRule> sameHost) {
        DestinationRule first = sameHost.get(0);
        if (sameHost.size() == 1) {
            return first;
        }
        Map<String, DestinationRule.Subset> subsets = new LinkedHashMap<>();
        for (DestinationRule dr : sameHost) {
            for (DestinationRule.Subset s : dr.subsets()) {
                subsets.putIfAbsent(s.name(), s);
            }
        }
        return new DestinationRule(first.meta(), first.host(), first.exportTo(), first.trafficPolicy(),
                new ArrayList<>(subsets.values()), first.workloadSelector());
    }
}
