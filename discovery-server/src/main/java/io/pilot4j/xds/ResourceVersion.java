package io.pilot4j.xds;

import com.google.protobuf.Any;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The version_info of a response: a hash of what it carries, so equal content has an equal version on
 * every replica and across restarts, and a push whose content did not change can be skipped.
 */
final class ResourceVersion {
    private ResourceVersion() {
    }

    static String of(List<String> names, List<Any> resources) {
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        for (int i = 0; i < resources.size(); i++) {
            digest.update(names.get(i).getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(resources.get(i).toByteString().asReadOnlyByteBuffer());
        }
        return HexFormat.of().formatHex(digest.digest(), 0, 8);
    }
}
