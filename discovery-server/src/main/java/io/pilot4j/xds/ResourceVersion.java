package io.pilot4j.xds;

import com.google.protobuf.Any;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Versions are hashes of content, so equal content has an equal version on every replica and across restarts,
 * and a push whose content did not change can be skipped: the version of each resource (a hash of its serialised
 * bytes, which are the same whenever a generator builds the same message the same way: fields in number order, map
 * entries in insertion order), and the version_info of a state-of-the-world response, made of the names and
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

    /**
     * A state-of-the-world response: the sum of what each resource it carries adds ({@link #entry}), so that a
     * response of thousands of resources is versioned from values each resource keeps, with no hashing per push.
     * Order does not count: names are unique within a response, and a SotW response's order means nothing.
     */
    static String of(List<PackedResource> resources) {
        long sum = 0;
        for (PackedResource r : resources) {
            sum += r.entry();
        }
        return HexFormat.of().toHexDigits(sum);
    }

    /** What one resource adds to a state-of-the-world version: its name and its version, mixed into 64 bits. */
    static long entry(String name, String version) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < name.length(); i++) {
            h = (h ^ name.charAt(i)) * 0x100000001b3L;
        }
        return mix(Long.parseUnsignedLong(version, 16) ^ mix(h));
    }

    /** SplitMix64's finaliser: every input bit moves every output bit. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
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
