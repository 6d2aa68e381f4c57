package io.pilot4j.translate.listener;

import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.pilot4j.net.IpAddresses;
import io.pilot4j.model.Protocol;
import io.pilot4j.model.PushContext;
import io.pilot4j.model.Service;
import io.pilot4j.model.ServicePort;
import io.pilot4j.translate.OutboundPolicy;
import io.pilot4j.translate.ProxyView;
import io.pilot4j.translate.ResourceNames;
import io.pilot4j.translate.XdsGenerator;
import io.pilot4j.translate.XdsResource;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * LDS for Envoy sidecars (Istio's outbound listeners, and its virtualInbound): under capture virtualInbound ({@link
 * VirtualInboundListener}) and virtualOutbound, one shared {@code 0.0.0.0_PORT} listener per HTTP port, and per TCP
 * service port a listener on its VIP, or on {@code 0.0.0.0_PORT} when it has none and nobody else holds that port; TLS
 * services without VIP share that listener, told apart by SNI. Filter chains come from {@link TcpRoutes#chains}. A port
 * without declared protocol on a VIP is sniffed ({@link ProtocolSniffing}): its TCP chains plus an HTTP chain with
 * routes {@code HOST:PORT}.
 *
 * <p>Addresses are unique in the result, as Envoy requires: HTTP owns its wildcard port; among TCP services the
 * first by hostname keeps a contested address and the others get no listener (Istio reports them as outbound
 * listener conflicts).
 *
 * <p>Under {@link InterceptionMode#NONE} there is no virtualOutbound and listeners bind real sockets: a proxy
 * without iptables receives only what is addressed to it. So they bind {@code 127.0.0.1:PORT}, as in Istio, with
 * one addition: a TCP service whose VIP is a loopback address (127.0.0.0/8, ::1) gets its listener on that VIP.
 * Applications on the machine can dial loopback VIPs directly, and several TCP services can then share a port
 * (127.0.0.2:3306, 127.0.0.3:3306), which on 127.0.0.1 only the first by hostname could have. Other VIPs cannot
 * be reached without capture and keep Istio's 127.0.0.1.
 */
public final class ListenerGenerator implements XdsGenerator {
    private static final Comparator<Listener> PORT_THEN_ADDRESS = Comparator
            .<Listener>comparingInt(l -> l.getAddress().getSocketAddress().getPortValue())
            .thenComparing(l -> l.getAddress().getSocketAddress().getAddress());

    @Override
    public List<XdsResource> generate(ProxyView proxy, PushContext push, ResourceNames names) {
        InterceptionMode mode = proxy.interceptionMode();
        boolean bindToPort = mode == InterceptionMode.NONE;
        List<Listener> listeners = new ArrayList<>();
        if (!bindToPort) {
            listeners.add(VirtualOutboundListener.build(push.mesh(), mode, OutboundPolicy.allowAny(proxy, push)));
            listeners.add(VirtualInboundListener.build(proxy, push));
        }
        listeners.addAll(portListeners(proxy, push, bindToPort));
        List<XdsResource> out = new ArrayList<>(listeners.size());
        for (Listener l : listeners) {
            if (names.includes(l.getName())) {
                out.add(new XdsResource(l.getName(), l));
            }
        }
        return out;
    }

    private static List<Listener> portListeners(ProxyView proxy, PushContext push, boolean bindToPort) {
        String wildcard = bindToPort ? OutboundListener.LOCALHOST : OutboundListener.WILDCARD;
        Set<Integer> reserved = reservedPorts(proxy, push);
        Map<String, Listener> byName = new LinkedHashMap<>();
        List<Service> services = proxy.visibleServices(push);
        for (Service s : services) {
            for (ServicePort p : s.ports()) {
                if (p.protocol().isHttp() && usable(proxy, wildcard, p.port(), bindToPort, reserved)) {
                    // Built once per port, not once per service on it: building packs the connection manager.
                    byName.computeIfAbsent(OutboundListener.name(wildcard, p.port()), n -> OutboundListener.http(wildcard, p.port(), bindToPort));
                }
            }
        }
        Map<String, TcpListener> tcp = new LinkedHashMap<>();
        for (Service s : services) {
            for (ServicePort p : s.ports()) {
                if (!p.protocol().isTcp()) {
                    continue;
                }
                for (String address : listenerAddresses(s, bindToPort, wildcard)) {
                    String name = OutboundListener.name(address, p.port());
                    if (byName.containsKey(name) || !usable(proxy, address, p.port(), bindToPort, reserved)) {
                        continue;
                    }
                    List<FilterChain> chains = TcpRoutes.chains(proxy, push, s, p.port(), address.equals(wildcard));
                    if (sniffed(p, address, wildcard) && !tcp.containsKey(name)) {
                        String statPrefix = "outbound_" + name;
                        byName.put(name, OutboundListener.sniffed(address, p.port(), bindToPort, ProtocolSniffing.outboundChains(chains,
                                statPrefix, ProtocolSniffing.routeName(s.hostname(), p.port())), push.mesh()));
                        continue;
                    }
                    TcpListener held = tcp.get(name);
                    if (held == null) {
                        tcp.put(name, new TcpListener(address, p.port(), new ArrayList<>(chains)));
                    } else if (allMatched(held.chains()) && allMatched(chains)) {
                        // Services without a VIP share the wildcard listener when every chain is told apart by SNI or
                        // destination (TLS ports); an equal match taken by an earlier host stays with it.
                        Set<FilterChainMatch> taken = new HashSet<>();
                        held.chains().forEach(c -> taken.add(c.getFilterChainMatch()));
                        chains.stream().filter(c -> taken.add(c.getFilterChainMatch())).forEach(held.chains()::add);
                    }
                }
            }
        }
        tcp.forEach((name, l) -> byName.put(name, OutboundListener.tcp(l.address(), l.port(), bindToPort, l.chains())));
        List<Listener> out = new ArrayList<>(byName.values());
        out.sort(PORT_THEN_ADDRESS);
        return out;
    }

    private record TcpListener(String address, int port, List<FilterChain> chains) {
    }

    /**
     * Whether a port is sniffed (Istio's protocol auto-detection): one that declares no protocol, on a listener of its
     * own service's VIP. On the wildcard address such a port would share its listener with other services' HTTP and
     * TCP chains, which Istio merges in ways pilot4j does not follow yet: there it stays TCP.
     */
    static boolean sniffed(ServicePort port, String address, String wildcard) {
        return port.protocol() == Protocol.UNSUPPORTED && !address.equals(wildcard);
    }

    private static boolean allMatched(List<FilterChain> chains) {
        return chains.stream().allMatch(FilterChain::hasFilterChainMatch);
    }

    /**
     * Where a TCP service's listeners sit: on each of its VIPs (a ServiceEntry may list several; Istio makes a service
     * per address), else on the wildcard. Not on the unspecified address or a CIDR (Istio would add a filter chain
     * match); under {@link InterceptionMode#NONE} only loopback VIPs, which applications can dial without capture.
     */
    private static List<String> listenerAddresses(Service s, boolean bindToPort, String wildcard) {
        List<String> out = new ArrayList<>();
        for (String a : s.addresses()) {
            if (!a.equals(OutboundListener.WILDCARD) && !a.contains("/") && (!bindToPort || isLoopback(a))) {
                out.add(a);
            }
        }
        return out.isEmpty() ? List.of(wildcard) : out;
    }

    private static boolean isLoopback(String ip) {
        if (!IpAddresses.isIp(ip)) {
            return false;
        }
        try {
            return InetAddress.getByName(ip).isLoopbackAddress(); // a literal: no DNS lookup
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /**
     * Istio's CanBindToPort: an unprivileged proxy cannot bind ports below 1024, and nothing may take the
     * wildcard address of a port Envoy already listens on (virtualOutbound/virtualInbound, status, metrics).
     */
    private static boolean usable(ProxyView proxy, String address, int port, boolean bindToPort, Set<Integer> reserved) {
        if (bindToPort && !proxy.canBind(port)) {
            return false;
        }
        return !(address.equals(OutboundListener.WILDCARD) && reserved.contains(port));
    }

    private static Set<Integer> reservedPorts(ProxyView proxy, PushContext push) {
        Set<Integer> ports = new HashSet<>();
        ports.add(push.mesh().proxyListenPort());
        ports.add(push.mesh().proxyInboundListenPort());
        ports.addAll(proxy.reservedPorts());
        return ports;
    }
}
