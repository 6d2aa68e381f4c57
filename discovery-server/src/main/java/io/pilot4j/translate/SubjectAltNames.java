package io.pilot4j.translate;

import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.SubjectAltNameMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import io.pilot4j.net.IpAddresses;

/**
 * A subject alternative name of an Istio rule as Envoy matches it. Istio matches rules' names against any SAN type;
 * Envoy's typed matchers need the type, told from the name's form: a URI (SPIFFE identities), an IP address, else
 * a DNS name.
 */
public final class SubjectAltNames {
    private SubjectAltNames() {
    }

    public static SubjectAltNameMatcher matcher(String san) {
        SubjectAltNameMatcher.SanType type = san.contains("://") ? SubjectAltNameMatcher.SanType.URI
                : IpAddresses.isIp(san) ? SubjectAltNameMatcher.SanType.IP_ADDRESS : SubjectAltNameMatcher.SanType.DNS;
        return SubjectAltNameMatcher.newBuilder().setSanType(type).setMatcher(StringMatcher.newBuilder().setExact(san)).build();
    }
}
