package io.pilot4j.serviceregistry.file;

import io.pilot4j.model.ConfigError;
import io.pilot4j.model.RegistrySnapshot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static io.pilot4j.serviceregistry.file.ConfigFiles.write;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Traffic rules in --configDir: accepted in every version Istio serves, and rejected with file, object and field. */
class FileRegistryRulesTest {
    @TempDir
    Path dir;
    private FileRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    private RegistrySnapshot start() {
        registry = new FileRegistry(dir, "cluster.local", new CapturingUpdater());
        registry.start();
        return registry.snapshot();
    }

    @Test
    void rulesOfEveryServedVersionAreAccepted() {
        write(dir, "rules.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  hosts: [reviews]
                  http: [{route: [{destination: {host: reviews, subset: v1}}]}]
                ---
                apiVersion: networking.istio.io/v1beta1
                kind: DestinationRule
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  host: reviews
                  subsets: [{name: v1, labels: {version: v1}}]
                ---
                apiVersion: networking.istio.io/v1alpha3
                kind: Sidecar
                metadata: {name: default, namespace: bookinfo}
                spec:
                  egress: [{hosts: ["./*", "istio-system/*"]}]
                ---
                apiVersion: networking.istio.io/v1
                kind: Gateway
                metadata: {name: bookinfo-gateway, namespace: bookinfo}
                spec:
                  selector: {istio: ingressgateway}
                  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]
                """);

        RegistrySnapshot s = start();

        assertEquals(List.of(), s.errors());
        assertEquals("reviews.bookinfo.svc.cluster.local", s.rules().virtualServices().get(0).hosts().get(0));
        assertEquals("v1", s.rules().destinationRules().get(0).subsets().get(0).name());
        assertEquals(List.of("./*", "istio-system/*"), s.rules().sidecars().get(0).egress().get(0).hosts());
        assertEquals(8080, s.rules().gateways().get(0).servers().get(0).port());
    }

    @Test
    void anInvalidRuleIsRejectedWithFileObjectAndFieldWhileOtherFilesApply() {
        write(dir, "bad.yaml", """
                apiVersion: networking.istio.io/v1
                kind: VirtualService
                metadata: {name: reviews, namespace: bookinfo}
                spec:
                  hosts: [reviews]
                  http:
                  - timeout: 10x
                    route: [{destination: {host: reviews}, wieght: 100}]
                """);
        write(dir, "good.yaml", """
                apiVersion: networking.istio.io/v1
                kind: DestinationRule
                metadata: {name: ratings, namespace: bookinfo}
                spec: {host: ratings, subsets: [{name: v1, labels: {version: v1}}]}
                """);

        RegistrySnapshot s = start();

        assertEquals(List.of(new ConfigError(dir.resolve("bad.yaml").toString(), 0, "VirtualService", "bookinfo", "reviews",
                "spec.http[0].route[0].wieght: unknown field \"wieght\"; spec.http[0].timeout: invalid duration \"10x\" (want a number with a unit,"
                        + " e.g. \"10s\", \"1.5s\", \"500ms\", \"1m30s\")")), s.errors());
        assertEquals(List.of(), s.rules().virtualServices());
        assertEquals(1, s.rules().destinationRules().size());
    }
}
