package io.ivfsp.remote;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/** The checks of a registry's URI and endpoint: bad ones are refused naming the option, never echoing a credential. */
final class RegistryUri {

    private RegistryUri() {
    }

    /**
     * Parses a registry URI: a scheme, no credentials, query or fragment.
     *
     * @throws IllegalArgumentException if it is not one
     */
    static URI parse(String text) {
        Objects.requireNonNull(text, "uri");
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("remote registry (--remote, " + RemoteSettings.ENVIRONMENT_VARIABLE + ") = " + text
                    + ": not a URI (" + e.getReason() + "); use s3://bucket/prefix or file:///absolute/dir");
        }
        if (u.getScheme() == null || u.isOpaque()) {
            throw new IllegalArgumentException("remote registry (--remote, " + RemoteSettings.ENVIRONMENT_VARIABLE + ") = " + text
                    + ": needs a scheme; use s3://bucket/prefix or file:///absolute/dir");
        }
        if (u.getRawUserInfo() != null) {
            throw new IllegalArgumentException("remote registry (--remote, " + RemoteSettings.ENVIRONMENT_VARIABLE + "): credentials do"
                    + " not belong in the URI; use AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, a profile or the options");
        }
        if (u.getRawQuery() != null || u.getRawFragment() != null) {
            throw new IllegalArgumentException("remote registry (--remote, " + RemoteSettings.ENVIRONMENT_VARIABLE + ") = " + text
                    + ": a query or fragment is not allowed");
        }
        return u;
    }

    /**
     * Checks an endpoint override: an http(s) URI with a host and no credentials.
     *
     * @throws IllegalArgumentException if it is not one
     */
    static void checkEndpoint(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (!("http".equals(endpoint.getScheme()) || "https".equals(endpoint.getScheme())) || endpoint.getHost() == null
                || endpoint.getRawUserInfo() != null) {
            throw new IllegalArgumentException("remote endpoint (--remote-endpoint) must be an http(s) URI with a host"
                    + " and no credentials: " + (endpoint.getRawUserInfo() != null ? "(URI with credentials)" : endpoint));
        }
    }
}
