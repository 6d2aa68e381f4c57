package io.pilot4j.load.xds;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** What a simulated sidecar reads out of each resource, and the checks that make it NACK one. */
public final class ResourceDecoder {
    private static final String HCM_TYPE = "type.googleapis.com/" + HttpConnectionManager.getDescriptor().getFullName();
    /** Field 1 is the name of a Listener, Cluster, RouteConfiguration and ClusterLoadAssignment alike. */
    private static final int NAME_TAG = (1 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    private final Decode depth;

    public ResourceDecoder(Decode depth) {
        this.depth = depth;
    }

    /** A cluster and the EDS name it needs endpoints under (null when it is not an EDS cluster). */
    public record ClusterView(String name, String edsName) {
    }

    /** A listener and the route configs its connection managers fetch over RDS. */
    public record ListenerView(String name, List<String> routeNames) {
    }

    /** An endpoint assignment, parsed whole only when asked whether it holds an address. */
    public static final class ClaView {
        private final String name;
        private final ByteString bytes;
        private ClusterLoadAssignment parsed;

        ClaView(String name, ByteString bytes, ClusterLoadAssignment parsed) {
            this.name = name;
            this.bytes = bytes;
            this.parsed = parsed;
        }

        public String name() {
            return name;
        }

        public boolean holds(String address) {
            try {
                if (parsed == null) {
                    parsed = ClusterLoadAssignment.parseFrom(bytes);
                }
            } catch (InvalidProtocolBufferException e) {
                return false;
            }
            for (LocalityLbEndpoints group : parsed.getEndpointsList()) {
                for (LbEndpoint e : group.getLbEndpointsList()) {
                    if (e.getEndpoint().getAddress().getSocketAddress().getAddress().equals(address)) {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    public ClusterView cluster(Any any) throws InvalidResource {
        if (depth == Decode.NAMES) {
            checkType(XdsType.CDS, any);
            return scanCluster(any.getValue());
        }
        Cluster c = parse(XdsType.CDS, any, Cluster.parser());
        if (c.getName().isEmpty()) {
            throw new InvalidResource("cluster without a name");
        }
        if (c.getType() != Cluster.DiscoveryType.EDS) {
            return new ClusterView(c.getName(), null);
        }
        if (!c.hasEdsClusterConfig()) {
            throw new InvalidResource("EDS cluster " + c.getName() + " has no eds_cluster_config");
        }
        String service = c.getEdsClusterConfig().getServiceName();
        return new ClusterView(c.getName(), service.isEmpty() ? c.getName() : service);
    }

    public ListenerView listener(Any any) throws InvalidResource {
        Listener l = parse(XdsType.LDS, any, Listener.parser());
        if (l.getName().isEmpty()) {
            throw new InvalidResource("listener without a name");
        }
        List<String> routes = new ArrayList<>();
        for (FilterChain chain : l.getFilterChainsList()) {
            addRoutes(l.getName(), chain, routes);
        }
        if (l.hasDefaultFilterChain()) {
            addRoutes(l.getName(), l.getDefaultFilterChain(), routes);
        }
        return new ListenerView(l.getName(), routes);
    }

    private static void addRoutes(String listener, FilterChain chain, List<String> routes) throws InvalidResource {
        for (Filter f : chain.getFiltersList()) {
            if (!f.getTypedConfig().getTypeUrl().equals(HCM_TYPE)) {
                continue;
            }
            HttpConnectionManager hcm;
            try {
                hcm = HttpConnectionManager.parseFrom(f.getTypedConfig().getValue());
            } catch (InvalidProtocolBufferException e) {
                throw new InvalidResource("listener " + listener + ": bad http_connection_manager: " + e.getMessage());
            }
            if (hcm.hasRds()) {
                routes.add(hcm.getRds().getRouteConfigName());
            }
        }
    }

    public String routeName(Any any) throws InvalidResource {
        checkType(XdsType.RDS, any);
        return depth == Decode.FULL ? parse(XdsType.RDS, any, RouteConfiguration.parser()).getName() : nameField(XdsType.RDS, any);
    }

    public ClaView clusterLoadAssignment(Any any) throws InvalidResource {
        checkType(XdsType.EDS, any);
        if (depth == Decode.FULL) {
            ClusterLoadAssignment cla = parse(XdsType.EDS, any, ClusterLoadAssignment.parser());
            return new ClaView(cla.getClusterName(), any.getValue(), cla);
        }
        return new ClaView(nameField(XdsType.EDS, any), any.getValue(), null);
    }

    private static <T> T parse(XdsType type, Any any, com.google.protobuf.Parser<T> parser) throws InvalidResource {
        checkType(type, any);
        try {
            return parser.parseFrom(any.getValue());
        } catch (InvalidProtocolBufferException e) {
            throw new InvalidResource(type + " resource does not parse: " + e.getMessage());
        }
    }

    private static void checkType(XdsType type, Any any) throws InvalidResource {
        if (!any.getTypeUrl().equals(type.typeUrl)) {
            throw new InvalidResource("resource of type " + any.getTypeUrl() + " in a " + type + " response");
        }
    }

    private static final int CLUSTER_TYPE_TAG = (2 << 3) | WireFormat.WIRETYPE_VARINT;
    private static final int EDS_CONFIG_TAG = (3 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;
    private static final int SERVICE_NAME_TAG = (2 << 3) | WireFormat.WIRETYPE_LENGTH_DELIMITED;

    /** A cluster's name, type and EDS service name, read off the wire without building the message. */
    static ClusterView scanCluster(ByteString bytes) throws InvalidResource {
        String name = null;
        boolean eds = false;
        String service = "";
        try {
            CodedInputStream in = bytes.newCodedInput();
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == NAME_TAG) {
                    name = in.readStringRequireUtf8();
                } else if (tag == CLUSTER_TYPE_TAG) {
                    eds = in.readEnum() == Cluster.DiscoveryType.EDS_VALUE;
                } else if (tag == EDS_CONFIG_TAG) {
                    CodedInputStream config = in.readBytes().newCodedInput();
                    int inner;
                    while ((inner = config.readTag()) != 0) {
                        if (inner == SERVICE_NAME_TAG) {
                            service = config.readStringRequireUtf8();
                        } else {
                            config.skipField(inner);
                        }
                    }
                } else {
                    in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw new InvalidResource("CDS resource does not parse: " + e.getMessage());
        }
        if (name == null || name.isEmpty()) {
            throw new InvalidResource("cluster without a name");
        }
        return new ClusterView(name, eds ? (service.isEmpty() ? name : service) : null);
    }

    /** Reads field 1 and skips the rest unparsed. */
    static String nameField(XdsType type, Any any) throws InvalidResource {
        try {
            CodedInputStream in = any.getValue().newCodedInput();
            int tag;
            while ((tag = in.readTag()) != 0) {
                if (tag == NAME_TAG) {
                    return in.readStringRequireUtf8();
                }
                in.skipField(tag);
            }
        } catch (IOException e) {
            throw new InvalidResource(type + " resource does not parse: " + e.getMessage());
        }
        throw new InvalidResource(type + " resource without a name");
    }
}
