package io.duratask.fs;

import io.duratask.spi.InstanceInfo;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;

/**
 * The opaque continuation token of {@code listInstances}: the sort key (creation time, id) of the last
 * instance of the previous page, base64url-encoded.
 */
final class ListToken {
    private static final String PREFIX = "fs1:";

    private ListToken() {}

    static String encode(InstanceInfo last) {
        String plain = PREFIX + last.createdAt() + "|" + last.instanceId();
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException if {@code token} was not made by {@link #encode} */
    static State.ListKey decode(String token) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            int bar = plain.indexOf('|');
            if (plain.startsWith(PREFIX) && bar > PREFIX.length()) {
                return new State.ListKey(Instant.parse(plain.substring(PREFIX.length(), bar)), plain.substring(bar + 1));
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("invalid continuation token '" + token
                + "': pass the token of the previous page unchanged");
    }
}
