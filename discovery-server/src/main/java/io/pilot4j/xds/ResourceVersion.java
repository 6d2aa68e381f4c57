package io.pilot4j.xds;

import com.google.protobuf.Any;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Versions are hashes of content, so equal content has an equal version on every replica and across restarts,
 * and a push whose content did not change can be skipped: the version of each resource (a hash of its serialised
 * bytes, which are the same whenever a generator builds the same message the same way: fields in number order, map
 * entries in insertion order), and the version_info of a state-of-the-world response, a hash of the names and
 * versions of what it carries.
 * A delta response's system_version_info is the digest of {@link ResourceVersions}.
 */
final class ResourceVersion {
    private ResourceVersion() {
    }

    /** One resource: its serialised bytes. */
    static String of(Any resource) {
        MessageDigest digest = sha256();
        digest.update(resource.toByteString().asReadOnlyByteBuffer());
        return hex(digest);
    }

    /** A state-of-the-world response: every name and resource version it carries, in order. */
    static String of(List<PackedResource> resources) {
        MessageDigest digest = sha256();
        for (PackedResource r : resources) {
            digest.update(r.name().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(r.version().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        }
        return hex(digest);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }
}
