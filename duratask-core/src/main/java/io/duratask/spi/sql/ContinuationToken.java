package io.duratask.spi.sql;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The opaque continuation token of {@code listInstances}: the sort key (creation time, id) of the last
 * instance of the previous page, base64url-encoded.
 */
public record ContinuationToken(long createdAt, String instanceId) {
    private static final String PREFIX = "v1:";

    public String encode() {
        String plain = PREFIX + createdAt + ":" + instanceId;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(plain.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws IllegalArgumentException if {@code token} was not made by {@link #encode()} */
    public static ContinuationToken decode(String token) {
        try {
            String plain = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
            if (plain.startsWith(PREFIX)) {
                int colon = plain.indexOf(':', PREFIX.length());
                if (colon > 0) {
                    long createdAt = Long.parseLong(plain.substring(PREFIX.length(), colon));
                    return new ContinuationToken(createdAt, plain.substring(colon + 1));
                }
            }
        } catch (IllegalArgumentException e) {
            // falls through to the error below (NumberFormatException is one too)
        }
        throw new IllegalArgumentException("invalid continuation token '" + token
                + "': pass the token of the previous page unchanged");
    }
}
