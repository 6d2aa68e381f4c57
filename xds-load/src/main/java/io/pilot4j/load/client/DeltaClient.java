package io.pilot4j.load.client;

import com.google.rpc.Status;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.pilot4j.load.xds.InvalidResource;
import io.pilot4j.load.xds.ResourceDecoder;
import io.pilot4j.load.xds.XdsType;

import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An incremental (delta) xDS sidecar, in the same order as {@link SotwClient}: CDS and LDS subscribed by wildcard
 * (the first request names nothing), EDS and RDS by the names clusters and listeners give, changes to those
 * subscriptions sent as subscribe/unsubscribe lists. Every response is ACKed by its nonce, or NACKed.
 *
 * <p>Istio names a cluster's EDS resource after the cluster, so a removed cluster's EDS name is its own name.
 */
final class DeltaClient implements SimulatedProxy, StreamGeneration.Handler<DeltaDiscoveryResponse> {
    private final int id;
    private final Node node;
    private final Channel channel;
    private final ClientContext ctx;
    // Guarded by this.
    private ClientCallStreamObserver<DeltaDiscoveryRequest> stream;
    private int generation;
    private boolean nodeSent;
    private boolean closed;
    private ProxyView view;
    private Map<String, List<String>> listenerRoutes;
    private boolean ldsRequested;

    DeltaClient(int id, Node node, Channel channel, ClientContext ctx) {
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
        listenerRoutes = new HashMap<>();
        nodeSent = false;
        ldsRequested = false;
        stream = (ClientCallStreamObserver<DeltaDiscoveryRequest>) ClientCalls.asyncBidiStreamingCall(
                channel.newCall(AdsMethods.DELTA, CallOptions.DEFAULT),
                new StreamGeneration<>(gen, this));
        send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(XdsType.CDS.typeUrl));
    }

    @Override
    public synchronized void onResponse(int gen, DeltaDiscoveryResponse r) {
        if (gen != generation || closed) {
            return;
        }
        long now = System.nanoTime();
        XdsType type = XdsType.of(r.getTypeUrl());
        ctx.observations().received(type, r.getSerializedSize());
        if (type == null) {
            return;
        }
        DeltaDiscoveryRequest.Builder ack = DeltaDiscoveryRequest.newBuilder().setTypeUrl(type.typeUrl).setResponseNonce(r.getNonce());
        try {
            switch (type) {
                case CDS -> clusters(r);
                case EDS -> endpoints(r, now);
                case LDS -> listeners(r);
                case RDS -> routes(r);
            }
        } catch (InvalidResource e) {
            ctx.observations().nack(type + ": " + e.getMessage());
            send(ack.setErrorDetail(Status.newBuilder().setCode(3).setMessage(e.getMessage())));
            return;
        }
        send(ack);
        if (type == XdsType.EDS && !ldsRequested) {
            ldsRequested = true;
            send(DeltaDiscoveryRequest.newBuilder().setTypeUrl(XdsType.LDS.typeUrl));
        }
        if (view.complete(ctx.observations().expectedClusters())) {
            ctx.observations().ready(id, now);
        }
    }

    private void clusters(DeltaDiscoveryResponse r) throws InvalidResource {
        BitSet clusters = (BitSet) view.clusters.clone();
        BitSet eds = (BitSet) view.edsWanted.clone();
        for (String removed : r.getRemovedResourcesList()) {
            clusters.clear(ctx.names().index(removed));
            eds.clear(ctx.names().index(removed));
        }
        for (Resource res : r.getResourcesList()) {
            if (!res.hasResource()) {
                continue;
            }
            ResourceDecoder.ClusterView c = ctx.decoder().cluster(res.getResource());
            clusters.set(ctx.names().index(c.name()));
            if (c.edsName() != null) {
                eds.set(ctx.names().index(c.edsName()));
            }
        }
        view.clusters = clusters;
        updateSubscription(XdsType.EDS, view.edsWanted, eds);
        view.edsWanted = eds;
        view.edsHeld.and(eds);
    }

    private void endpoints(DeltaDiscoveryResponse r, long now) throws InvalidResource {
        for (String removed : r.getRemovedResourcesList()) {
            view.edsHeld.clear(ctx.names().index(removed));
        }
        for (Resource res : r.getResourcesList()) {
            if (!res.hasResource()) {
                continue;
            }
            ResourceDecoder.ClaView cla = ctx.decoder().clusterLoadAssignment(res.getResource());
            view.edsHeld.set(ctx.names().index(cla.name()));
            ctx.changes().observe(id, cla, now);
        }
    }

    private void listeners(DeltaDiscoveryResponse r) throws InvalidResource {
        for (String removed : r.getRemovedResourcesList()) {
            listenerRoutes.remove(removed);
        }
        for (Resource res : r.getResourcesList()) {
            if (res.hasResource()) {
                ResourceDecoder.ListenerView l = ctx.decoder().listener(res.getResource());
                listenerRoutes.put(l.name(), l.routeNames());
            }
        }
        BitSet routes = new BitSet();
        listenerRoutes.values().forEach(names -> names.forEach(n -> routes.set(ctx.names().index(n))));
        view.listenersReceived = true;
        updateSubscription(XdsType.RDS, view.routesWanted, routes);
        view.routesWanted = routes;
        view.routesHeld.and(routes);
    }

    private void routes(DeltaDiscoveryResponse r) throws InvalidResource {
        for (String removed : r.getRemovedResourcesList()) {
            view.routesHeld.clear(ctx.names().index(removed));
        }
        for (Resource res : r.getResourcesList()) {
            if (res.hasResource()) {
                view.routesHeld.set(ctx.names().index(ctx.decoder().routeName(res.getResource())));
            }
        }
    }

    private void updateSubscription(XdsType type, BitSet before, BitSet after) {
        BitSet added = (BitSet) after.clone();
        added.andNot(before);
        BitSet removed = (BitSet) before.clone();
        removed.andNot(after);
        if (added.isEmpty() && removed.isEmpty()) {
            return;
        }
        send(DeltaDiscoveryRequest.newBuilder()
                .setTypeUrl(type.typeUrl)
                .addAllResourceNamesSubscribe(ctx.names().names(added))
                .addAllResourceNamesUnsubscribe(ctx.names().names(removed)));
    }

    private void send(DeltaDiscoveryRequest.Builder b) {
        if (!nodeSent) {
            b.setNode(node);
            nodeSent = true;
        }
        DeltaDiscoveryRequest request = b.build();
        ctx.observations().sent(request.getSerializedSize());
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
