package io.pilot4j.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import io.pilot4j.log.Scope;
import org.slf4j.Logger;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small HTTP/1.1 listener for the operator ports (/ready and /debug on --httpAddr, /metrics on --monitoringAddr).
 * One Netty event loop serves every connection, so a client that is slow, idle or never finishes its request holds
 * no thread: a request must arrive whole within {@link Timeouts#request} of its first byte, and a connection waiting
 * for its next request is closed after {@link Timeouts#idle}. Handlers that render the whole mesh run on a small
 * pool of their own, so a heavy debug request never delays the cheap ones (the readiness probe) answered on the loop.
 *
 * <p>Routes are matched as the JDK's HTTP server matches contexts: the longest path that prefixes the request's.
 */
public final class HttpListener implements AutoCloseable {
    private static final Logger log = Scope.HTTP.logger();
    private static final int MAX_INITIAL_LINE = 4096;
    private static final int MAX_HEADERS = 8192;
    private static final int MAX_BODY = 64 * 1024;
    /** Requests waiting for a worker; beyond, 503 at once rather than a queue that grows with a flood. */
    private static final int MAX_QUEUED = 64;

    /** A request as handlers see it. */
    public record Request(String method, String path, Map<String, String> query) {
    }

    /** What a handler answers; the body is left out for HEAD. */
    public record Reply(int status, String contentType, byte[] body) {
        public static Reply text(int status, String body) {
            return new Reply(status, "text/plain; charset=utf-8", body.getBytes(StandardCharsets.UTF_8));
        }
    }

    @FunctionalInterface
    public interface Handler {
        Reply handle(Request request);
    }

    /**
     * @param request from a request's first byte to its last
     * @param idle    a connection with no request under way
     */
    public record Timeouts(Duration request, Duration idle) {
        /** Go's ReadHeaderTimeout habit for the first, and a keep-alive window longer than any probe period. */
        public static final Timeouts DEFAULT = new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(120));
    }

    private final Channel channel;
    private final NioEventLoopGroup loop;
    private final ThreadPoolExecutor workers;

    private HttpListener(Channel channel, NioEventLoopGroup loop, ThreadPoolExecutor workers) {
        this.channel = channel;
        this.loop = loop;
        this.workers = workers;
    }

    /**
     * @param name     names the threads ({@code NAME-io}, {@code NAME-worker})
     * @param routes   context path to handler
     * @param onLoop   contexts cheap enough to answer on the event loop; the others go to the worker pool
     * @param workers  size of the worker pool, 0 when every route is on the loop
     */
    public static HttpListener start(String name, InetSocketAddress address, Map<String, Handler> routes, Set<String> onLoop, int workers,
                                     Timeouts timeouts) throws IOException {
        Map<String, Handler> byPath = new LinkedHashMap<>(routes);
        NioEventLoopGroup loop = new NioEventLoopGroup(1, daemon(name + "-io"));
        ThreadPoolExecutor pool = workers == 0 ? null : new ThreadPoolExecutor(workers, workers, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(MAX_QUEUED), daemon(name + "-worker"));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(loop)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 128)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        Deadlines deadlines = new Deadlines(timeouts);
                        ch.pipeline().addLast(deadlines, new HttpServerCodec(MAX_INITIAL_LINE, MAX_HEADERS, 8192),
                                new HttpObjectAggregator(MAX_BODY), new Dispatch(byPath, onLoop, pool, deadlines));
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            loop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            if (pool != null) {
                pool.shutdownNow();
            }
            Throwable cause = bound.cause();
            throw cause instanceof IOException io ? io : new IOException(cause.getMessage(), cause);
        }
        return new HttpListener(bound.channel(), loop, pool);
    }

    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        if (workers != null) {
            workers.shutdownNow();
        }
    }

    /**
     * The two clocks of a connection, in front of the codec where bytes arrive: idle until a request's first byte,
     * then that request's deadline until it has arrived whole; none while it is handled. Either one expiring closes
     * the connection.
     */
    private static final class Deadlines extends ChannelDuplexHandler {
        private final Timeouts timeouts;
        private ChannelHandlerContext ctx;
        private ScheduledFuture<?> timer;
        private boolean reading;
        private boolean handling;

        Deadlines(Timeouts timeouts) {
            this.timeouts = timeouts;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            this.ctx = ctx;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            idle();
            ctx.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!reading && !handling && msg instanceof ByteBuf b && b.isReadable()) {
                reading = true;
                arm(timeouts.request(), "request not received whole");
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            cancel();
            ctx.fireChannelInactive();
        }

        /** A whole request arrived: no clock runs while it is handled. */
        void requestReceived() {
            reading = false;
            handling = true;
            cancel();
        }

        /** Its response is written: the connection waits for the next request. */
        void responded() {
            handling = false;
            idle();
        }

        private void idle() {
            arm(timeouts.idle(), "idle");
        }

        private void arm(Duration after, String why) {
            cancel();
            timer = ctx.executor().schedule(() -> {
                log.debug("closing HTTP connection from {}: {} after {} ms", ctx.channel().remoteAddress(), why, after.toMillis());
                ctx.close();
            }, after.toNanos(), TimeUnit.NANOSECONDS);
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }
    }

    /** One request at a time per connection: reading stops until its response is written, so answers keep their order. */
    private static final class Dispatch extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Map<String, Handler> routes;
        private final Set<String> onLoop;
        private final ThreadPoolExecutor workers;
        private final Deadlines deadlines;

        Dispatch(Map<String, Handler> routes, Set<String> onLoop, ThreadPoolExecutor workers, Deadlines deadlines) {
            this.routes = routes;
            this.onLoop = onLoop;
            this.workers = workers;
            this.deadlines = deadlines;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest msg) {
            deadlines.requestReceived();
            ctx.channel().config().setAutoRead(false);
            boolean keepAlive = HttpUtil.isKeepAlive(msg);
            boolean head = msg.method().equals(HttpMethod.HEAD);
            if (!msg.decoderResult().isSuccess()) {
                write(ctx, Reply.text(400, "bad request: " + msg.decoderResult().cause().getMessage() + "\n"), false, false);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(msg.uri());
            Map<String, String> query = new LinkedHashMap<>();
            uri.parameters().forEach((k, v) -> query.put(k, v.isEmpty() ? "" : v.get(0)));
            Request request = new Request(msg.method().name(), uri.path(), query);
            String context = context(request.path());
            if (context == null) {
                write(ctx, Reply.text(404, "no such endpoint: " + request.path() + "\n"), keepAlive, head);
                return;
            }
            Handler handler = routes.get(context);
            if (workers == null || onLoop.contains(context)) {
                write(ctx, answer(handler, request), keepAlive, head);
                return;
            }
            try {
                workers.execute(() -> {
                    Reply reply = answer(handler, request);
                    ctx.executor().execute(() -> write(ctx, reply, keepAlive, head));
                });
            } catch (RejectedExecutionException busy) {
                write(ctx, Reply.text(503, "busy: too many debug requests under way; try again\n"), false, head);
            }
        }

        private String context(String path) {
            String best = null;
            for (String c : routes.keySet()) {
                if (path.startsWith(c) && (best == null || c.length() > best.length())) {
                    best = c;
                }
            }
            return best;
        }

        private static Reply answer(Handler handler, Request request) {
            if (!request.method().equals("GET") && !request.method().equals("HEAD")) {
                return Reply.text(405, "only GET\n");
            }
            try {
                return Objects.requireNonNull(handler.handle(request), "reply");
            } catch (RuntimeException e) {
                log.error("{} failed", request.path(), e);
                return Reply.text(500, "internal error: " + e + "\n");
            }
        }

        private void write(ChannelHandlerContext ctx, Reply reply, boolean keepAlive, boolean head) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(reply.status()),
                    head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(reply.body()));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, reply.contentType());
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, reply.body().length);
            if (!keepAlive) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            ctx.writeAndFlush(response).addListener((ChannelFutureListener) f -> {
                if (!keepAlive || !f.isSuccess()) {
                    f.channel().close();
                    return;
                }
                deadlines.responded();
                f.channel().config().setAutoRead(true);
            });
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // A client that resets or sends what is no HTTP: its problem, one debug line, no stack trace.
            log.debug("HTTP connection from {}: {}", ctx.channel().remoteAddress(), cause.toString());
            ctx.close();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, n.getAndIncrement() == 0 ? name : name + "-" + n.get());
            t.setDaemon(true);
            return t;
        };
    }
}
