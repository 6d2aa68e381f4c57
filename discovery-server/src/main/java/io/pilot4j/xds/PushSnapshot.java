package io.pilot4j.xds;

import io.pilot4j.model.PushContext;

/**
 * A push snapshot as the server installed it, numbered in install order, so a connection can tell whether what it
 * last sent is older or newer than what a push was made for.
 *
 * @param sequence 0 for the snapshot built at start, one more for each push
 */
record PushSnapshot(PushContext push, long sequence) {
}
