package io.pilot4j.e2e;

import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Metadata;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.pilot4j.testing.Await;
import io.pilot4j.testing.Bookinfo;
import io.pilot4j.testing.Closeables;
import io.pilot4j.testing.EchoBackends;
import io.pilot4j.testing.GrpcXdsClient;
import io.pilot4j.testing.RunningServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The shipped Bookinfo rules ({@code examples/bookinfo/networking.yaml}, read as shipped) through grpc-java's xDS
 * client, with reviews and ratings served by gRPC backends that answer with their version: jason's calls reach
 * reviews v2 only, everyone else's v1 or v3 80/20, and jason's calls to ratings wait the rule's 7 s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BookinfoGrpcXdsClientTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final int PORT = 9080;

    private EchoBackends reviews;
    private EchoBackends ratings;
    private RunningServer server;
    private GrpcXdsClient reviewsClient;
    private GrpcXdsClient ratingsClient;

    @BeforeAll
    void start(@TempDir Path configDir) throws Exception {
        reviews = EchoBackends.start("reviews-v1", "reviews-v2", "reviews-v3");
        ratings = EchoBackends.start("ratings-v1");
        server = RunningServer.start(configDir);
        server.writeConfig("services.yaml", Bookinfo.services("GRPC", PORT, List.of(reviews.port(0), reviews.port(1), reviews.port(2)),
                ratings.port(0)));
        server.writeConfig("networking.yaml", Bookinfo.networking());
        reviewsClient = GrpcXdsClient.connect(server.grpcTarget(), "default", "", "xds:///" + Bookinfo.REVIEWS + ":" + PORT);
        ratingsClient = GrpcXdsClient.connect(server.grpcTarget(), "default", "", "xds:///" + Bookinfo.RATINGS + ":" + PORT);
        // The rules are in once jason's call reaches v2 (before them, any version could answer).
        Await.until(WAIT, "jason's call to reviews answered by v2", () -> {
            try {
                return EchoBackends.who(as("jason", reviewsClient)).equals("reviews-v2");
            } catch (StatusRuntimeException e) {
                return false;
            }
        }, () -> server.get("/debug/push_status").body());
    }

    @AfterAll
    void stop() {
        Closeables.closeAll(reviewsClient, ratingsClient, server, reviews, ratings);
    }

    @Test
    void jasonReachesReviewsV2Only() {
        Channel jason = as("jason", reviewsClient);
        for (int i = 0; i < 100; i++) {
            assertEquals("reviews-v2", EchoBackends.who(jason), "call " + i);
        }
    }

    @Test
    void everyoneElseGetsV1OrV3EightyTwenty() {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 1000; i++) {
            counts.merge(EchoBackends.who(reviewsClient.channel()), 1, Integer::sum);
        }
        int v1 = counts.getOrDefault("reviews-v1", 0);
        int v3 = counts.getOrDefault("reviews-v3", 0);
        assertEquals(1000, v1 + v3, "only v1 and v3 serve callers other than jason: " + counts);
        // 20% of 1,000 is 200 with a standard deviation of 12.6: the issue's +-7 points (70) is over 5 sigma.
        assertTrue(v3 >= 130 && v3 <= 270, "v3 should get 20% +-7 points of 1000 calls: " + counts);
    }

    @Test
    void jasonsCallsToRatingsWaitTheRulesDelay() {
        long start = System.nanoTime();
        String who = EchoBackends.who(as("jason", ratingsClient), Duration.ofSeconds(20));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals("ratings-v1", who);
        // A timer may fire a few milliseconds early against this clock: 6.9 s still tells the rule's 7 s delay from none at all.
        assertTrue(took.compareTo(Duration.ofMillis(6900)) >= 0, "the 7s fixedDelay applies to jason, took " + took);
        // Without the header the call is not delayed: it succeeds within the default 5 s deadline, which 7 s would pass.
        assertEquals("ratings-v1", EchoBackends.who(ratingsClient.channel()));
    }

    private static Channel as(String user, GrpcXdsClient client) {
        Metadata headers = new Metadata();
        headers.put(Metadata.Key.of("end-user", Metadata.ASCII_STRING_MARSHALLER), user);
        return ClientInterceptors.intercept(client.channel(), MetadataUtils.newAttachHeadersInterceptor(headers));
    }
}
