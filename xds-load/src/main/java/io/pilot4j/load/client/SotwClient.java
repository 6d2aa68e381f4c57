package io.pilot4j.load.client;

import com.google.protobuf.Any;
import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import com.google.protobuf.ByteString;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.pilot4j.load.xds.InvalidResource;
import io.pilot4j.load.xds.ResourceDecoder;
import io.pilot4j.load.xds.XdsType;

import java.util.BitSet;
import java.util.EnumMap;
import java.util.Map;

/**
 * A state-of-the-world sidecar, in Envoy's order: CDS (wildcard); each cluster set asks EDS for its EDS names; once
 * the first endpoints arrive (clusters warmed) LDS (wildcard); each listener set asks RDS for the route configs
 * its connection managers name. Every response is ACKed with the names it answered, or NACKed when a resource is
 * invalid. The EDS ACK thus names every cluster, as Envoy's does.
 */
final class SotwClient implements SimulatedProxy, StreamGeneration.Handler<DiscoveryResponse> {
    private final int id;
    private final Node node;
    private final Channel channel;
    private final ClientContext ctx;
    // Guarded by this: the stream's callbacks and the reconnect timer both touch it.
    private ClientCallStreamObserver<byte[]> stream;
    private int generation;
    private boolean nodeSent;
    private boolean closed;
    private ProxyView view;
    private final Map<XdsType, String> versions = new EnumMap<>(XdsType.class);
    private final Map<XdsType, String> nonces = new EnumMap<>(XdsType.class);
    /** Per type, the names asked for, encoded once per subscription ({@link SotwRequest}). */
    private final Map<XdsType, ByteString> subscribed = new EnumMap<>(XdsType.class);
    private boolean ldsRequested;
    /** Initial convergence reached; stays true across reconnects, as the figure is taken once. */
    private boolean ready;

    SotwClient(int id, Node node, Channel channel, ClientContext ctx) {
        this.id = id;
        this.node = node;
        this.channel = channel;
        this.ctx = ctx;
    }

    @Override
    public synchronized void start() {
        if (closed) {
            return;
        }
        int gen = ++generation;
        view = new ProxyView();
        versions.clear();
        nonces.clear();
        subscribed.clear();
        nodeSent = false;
        ldsRequested = false;
        stream = (ClientCallStreamObserver<byte[]>) ClientCalls.asyncBidiStreamingCall(
                channel.newCall(AdsMethods.SOTW, CallOptions.DEFAULT),
                new StreamGeneration<>(gen, this));
        subscribe(XdsType.CDS, ByteString.EMPTY);
    }

    @Override
    public synchronized void onResponse(int gen, DiscoveryResponse r) {
        if (gen != generation || closed) {
            return;
        }
        long now = System.nanoTime();
        XdsType type = XdsType.of(r.getTypeUrl());
        ctx.observations().received(type, r.getSerializedSize());
        if (type == null) {
            return;
        }
        try {
            switch (type) {
                case CDS -> clusters(r);
                case EDS -> endpoints(r, now);
                case LDS -> listeners(r);
                case RDS -> routes(r);
            }
        } catch (InvalidResource e) {
            nack(type, r, e.getMessage());
            return;
        }
        versions.put(type, r.getVersionInfo());
        nonces.put(type, r.getNonce());
        send(type, subscribed.getOrDefault(type, ByteString.EMPTY), null);
        if (type == XdsType.EDS && !ldsRequested) {
            // Envoy starts LDS once its initial clusters have warmed, i.e. have endpoints.
            ldsRequested = true;
            subscribe(XdsType.LDS, ByteString.EMPTY);
        }
        if (!ready && view.complete(ctx.observations().expectedClusters())) {
            ready = true;
            ctx.observations().ready(id, now);
        }
    }

    private void clusters(DiscoveryResponse r) throws InvalidResource {
        ResourceDecoder decoder = ctx.decoder();
        BitSet clusters = new BitSet();
        BitSet eds = new BitSet();
        for (Any any : r.getResourcesList()) {
            ResourceDecoder.ClusterView c = decoder.cluster(any);
            if (clusters.get(ctx.names().index(c.name()))) {
                throw new InvalidResource("duplicate cluster " + c.name());
            }
            clusters.set(ctx.names().index(c.name()));
            if (c.edsName() != null) {
                eds.set(ctx.names().index(c.edsName()));
            }
        }
        view.clusters = clusters;
        if (!eds.equals(view.edsWanted)) {
            view.edsWanted = eds;
            // Envoy asks for the new EDS names before it ACKs the clusters that need them.
            subscribe(XdsType.EDS, ctx.names().encoded(eds));
        }
    }

    private void endpoints(DiscoveryResponse r, long now) throws InvalidResource {
        // Once ready, what the client holds only matters for the changes awaited: no name lookups for the rest.
        BitSet held = ready ? null : new BitSet();
        ResourceDecoder decoder = ctx.decoder();
        for (Any any : r.getResourcesList()) {
            ResourceDecoder.ClaView cla = decoder.clusterLoadAssignment(any);
            if (held != null) {
                held.set(ctx.names().index(cla.name()));
            }
            ctx.changes().observe(id, cla, now);
        }
        if (held != null) {
            view.edsHeld = held;
        }
    }

    private void listeners(DiscoveryResponse r) throws InvalidResource {
        BitSet routes = new BitSet();
        for (Any any : r.getResourcesList()) {
            for (String route : ctx.decoder().listener(any).routeNames()) {
                routes.set(ctx.names().index(route));
            }
        }
        view.listenersReceived = true;
        if (!routes.equals(view.routesWanted)) {
            view.routesWanted = routes;
            subscribe(XdsType.RDS, ctx.names().encoded(routes));
        }
    }

    private void routes(DiscoveryResponse r) throws InvalidResource {
        BitSet held = new BitSet();
        for (Any any : r.getResourcesList()) {
            held.set(ctx.names().index(ctx.decoder().routeName(any)));
        }
        view.routesHeld = held;
    }

    private void subscribe(XdsType type, ByteString names) {
        subscribed.put(type, names);
        send(type, names, null);
    }

    private void nack(XdsType type, DiscoveryResponse r, String message) {
        ctx.observations().nack(type + ": " + message);
        // The version stays the last accepted one; the nonce says which response is rejected.
        nonces.put(type, r.getNonce());
        send(type, subscribed.getOrDefault(type, ByteString.EMPTY), Status.newBuilder().setCode(3).setMessage(message).build());
    }

    private void send(XdsType type, ByteString names, Status error) {
        byte[] request = SotwRequest.encode(nodeSent ? null : node, type.typeUrl, versions.getOrDefault(type, ""),
                nonces.getOrDefault(type, ""), error, names);
        nodeSent = true;
        ctx.observations().sent(request.length);
        stream.onNext(request);
    }

    @Override
    public synchronized void onStreamEnd(int gen, Throwable why) {
        if (gen != generation || closed) {
            return;
        }
        ctx.streamEnded(why, this::start);
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (stream != null) {
            stream.cancel("load run over", null);
        }
    }
}
