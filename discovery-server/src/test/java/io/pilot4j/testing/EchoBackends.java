package io.pilot4j.testing;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * gRPC backends on loopback that answer "who are you?" with their own name, so a test can see which
 * backend each RPC reached. The method is described by hand: no generated code needed for one string.
 */
public final class EchoBackends implements AutoCloseable {
    public static final MethodDescriptor<String, String> WHO = MethodDescriptor.<String, String>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("pilot4j.test.Echo", "Who"))
            .setRequestMarshaller(new Utf8())
            .setResponseMarshaller(new Utf8())
            .build();

    private final List<Server> servers = new ArrayList<>();
    /** Answers late, for timeout tests; null when backends answer at once. */
    private java.util.concurrent.ScheduledExecutorService delayer;
    private final List<String> names = new ArrayList<>();
    private final List<String> hosts = new ArrayList<>();

    /** Every backend on 127.0.0.1, each on a port of its own. */
    public static EchoBackends start(String... names) {
        return start(i -> "127.0.0.1", names);
    }

    /**
     * Backend i on 127.0.0.(i+1): as pods, each has an address of its own (Linux routes all of 127/8 to loopback),
     * which is what registries that key endpoints by address need.
     */
    public static EchoBackends startAsPods(String... names) {
        return start(i -> "127.0.0." + (i + 1), names);
    }

    /** Backends on 127.0.0.1 that answer only after {@code delay}, for route timeouts to cut short. */
    public static EchoBackends startDelayed(java.time.Duration delay, String... names) {
        EchoBackends backends = new EchoBackends();
        backends.delayer = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
        return start(backends, i -> "127.0.0.1", delay, names);
    }

    private static EchoBackends start(java.util.function.IntFunction<String> host, String... names) {
        return start(new EchoBackends(), host, java.time.Duration.ZERO, names);
    }

    private static EchoBackends start(EchoBackends backends, java.util.function.IntFunction<String> host, java.time.Duration delay,
                                      String... names) {
        for (int i = 0; i < names.length; i++) {
            String name = names[i];
            ServerServiceDefinition service = ServerServiceDefinition.builder("pilot4j.test.Echo")
                    .addMethod(WHO, ServerCalls.asyncUnaryCall((request, response) -> {
                        Runnable answer = () -> {
                            response.onNext(name);
                            response.onCompleted();
                        };
                        if (backends.delayer == null) {
                            answer.run();
                        } else {
                            backends.delayer.schedule(answer, delay.toMillis(), TimeUnit.MILLISECONDS);
                        }
                    }))
                    .build();
            try {
                Server server = NettyServerBuilder.forAddress(new InetSocketAddress(host.apply(i), 0)).addService(service).build().start();
                backends.servers.add(server);
                backends.names.add(name);
                backends.hosts.add(host.apply(i));
            } catch (IOException e) {
                backends.close();
                throw new UncheckedIOException(e);
            }
        }
        return backends;
    }

    public int port(int index) {
        return servers.get(index).getPort();
    }

    public String host(int index) {
        return hosts.get(index);
    }

    public String name(int index) {
        return names.get(index);
    }

    /** One RPC; returns the name of the backend that answered. */
    public static String who(Channel channel) {
        return who(channel, java.time.Duration.ofSeconds(5));
    }

    /** The same with another deadline, for calls a fault delays. */
    public static String who(Channel channel, java.time.Duration deadline) {
        return ClientCalls.blockingUnaryCall(channel, WHO, CallOptions.DEFAULT.withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS), "who");
    }

    @Override
    public void close() {
        for (Server s : servers) {
            s.shutdownNow();
        }
        if (delayer != null) {
            delayer.shutdownNow();
        }
    }

    private static final class Utf8 implements MethodDescriptor.Marshaller<String> {
        @Override
        public InputStream stream(String value) {
            return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public String parse(InputStream stream) {
            try {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
