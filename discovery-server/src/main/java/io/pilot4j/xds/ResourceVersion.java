package io.pilot4j.xds;

import com.google.protobuf.Any;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Versions are hashes of content, so equal content has an equal version on every replica and across restarts,
 * and a push whose content did not change can be skipped: the version_info of a state-of-the-world response, the
 * version of each resource in a delta response, and the system_version_info of a delta response.
 */
final class ResourceVersion {
    private ResourceVersion() {
    }

    /** A state-of-the-world response: every name and serialised resource it carries, in order. */
    static String of(List<String> names, List<Any> resources) {
        MessageDigest digest = sha256();
        for (int i = 0; i < resources.size(); i++) {
            digest.update(names.get(i).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(resources.get(i).toByteString().asReadOnlyByteBuffer());
        }
        return hex(digest);
    }

    /** One resource of a delta response: its serialised bytes. */
    static String of(Any resource) {
        MessageDigest digest = sha256();
        digest.update(resource.toByteString().asReadOnlyByteBuffer());
        return hex(digest);
    }

    /** A delta response's system_version_info: every name and version the client holds once it applies the response. */
    static String ofVersions(Map<String, String> versions) {
        MessageDigest digest = sha256();
        new TreeMap<>(versions).forEach((name, version) -> {
            digest.update(name.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(version.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
        });
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
