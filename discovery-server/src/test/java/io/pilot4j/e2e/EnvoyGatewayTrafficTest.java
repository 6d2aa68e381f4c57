package io.pilot4j.e2e;

/**
 * {@link EnvoyTrafficTest}'s rules and checks through an ingress gateway: a router Envoy ({@code discovery bootstrap
 * --type router}) that a Gateway selects, with the VirtualService bound to that Gateway. Split, matches, rewrite,
 * header operations, retries, timeout, faults, redirect and mirror behave as they do in a sidecar.
 */
class EnvoyGatewayTrafficTest extends EnvoyTrafficTest {
    @Override
    boolean viaGateway() {
        return true;
    }
}
