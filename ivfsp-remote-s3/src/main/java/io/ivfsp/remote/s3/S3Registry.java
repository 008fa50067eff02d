package io.ivfsp.remote.s3;

import io.ivfsp.remote.ModelRegistry;
import io.ivfsp.remote.ModelRegistryProvider;
import io.ivfsp.remote.RegistryAccessDeniedException;
import io.ivfsp.remote.RegistryLimitException;
import io.ivfsp.remote.RemoteSettings;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * A model registry in an S3 bucket ({@code s3://bucket/prefix}): AWS S3, Huawei OBS, MinIO, Ceph RGW.
 * Conditional creates use {@code If-None-Match: *} (a {@code 412} means the object exists). Every call
 * has a timeout and retries with backoff; path-style access is used whenever the endpoint is overridden.
 *
 * <p>The client, its credentials, region and endpoint come from {@link S3Clients}. No message of this
 * class contains a credential.
 */
public final class S3Registry implements ModelRegistry {

    private final URI uri;
    private final String bucket;
    private final String prefix;
    private final S3Client s3;

    private S3Registry(URI uri, String bucket, String prefix, S3Client s3) {
        this.uri = uri;
        this.bucket = bucket;
        this.prefix = prefix;
        this.s3 = s3;
    }

    /**
     * Opens the registry of {@code settings}.
     *
     * @throws IllegalArgumentException if the URI is not {@code s3://bucket[/prefix]} or a setting is invalid
     */
    public static S3Registry open(RemoteSettings settings) {
        URI uri = settings.uri();
        String bucket = uri.getHost();
        if (!"s3".equalsIgnoreCase(uri.getScheme()) || bucket == null || !bucket.matches("[a-z0-9][a-z0-9.\\-]{1,61}[a-z0-9]")
                || uri.getPort() != -1) {
            throw new IllegalArgumentException("remote registry (--remote) = " + uri
                    + ": an S3 registry is s3://bucket[/prefix] with a valid bucket name (3-63 of a-z 0-9 . -)");
        }
        String prefix = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+|/+$", "");
        if (!prefix.isEmpty()) {
            for (String seg : prefix.split("/")) {
                if (!seg.matches("[A-Za-z0-9._\\-]{1,255}") || seg.equals(".") || seg.equals("..")) {
                    throw new IllegalArgumentException("remote registry (--remote) = " + uri + ": the prefix must be"
                            + " /-separated segments of letters, digits, . _ - (no empty, . or .. segment)");
                }
            }
            prefix = prefix + "/";
        }
        return new S3Registry(uri, bucket, prefix, S3Clients.client(settings));
    }

    @Override
    public URI uri() {
        return uri;
    }

    private String object(String name) {
        return prefix + ModelRegistry.checkName(name);
    }

    @Override
    public void check() throws IOException {
        // A read of an object that need not exist: a 404 proves reachable and readable without listing rights.
        exists("ivfsp-registry-probe");
    }

    @Override
    public Optional<byte[]> read(String name, int maxBytes) throws IOException {
        String key = object(name);
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key))) {
            Long length = in.response().contentLength();
            if (length != null && length > maxBytes) {
                in.abort();
                throw new RegistryLimitException(name, maxBytes);
            }
            byte[] b = in.readNBytes(maxBytes + 1);
            if (b.length > maxBytes) {
                in.abort();
                throw new RegistryLimitException(name, maxBytes);
            }
            return Optional.of(b);
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (SdkException e) {
            if (status(e) == 404) {
                return Optional.empty();
            }
            throw failure("read", name, e);
        }
    }

    @Override
    public boolean readTo(String name, Path target, long maxBytes) throws IOException {
        String key = object(name);
        try (ResponseInputStream<GetObjectResponse> in = s3.getObject(r -> r.bucket(bucket).key(key));
             OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            Long length = in.response().contentLength();
            if (length != null && length > maxBytes) {
                in.abort();
                throw new RegistryLimitException(name, maxBytes);
            }
            ModelRegistry.copyBounded(name, in, out, maxBytes);
            return true;
        } catch (NoSuchKeyException e) {
            Files.deleteIfExists(target);
            return false;
        } catch (SdkException e) {
            Files.deleteIfExists(target);
            if (status(e) == 404) {
                return false;
            }
            throw failure("read", name, e);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(target);
            throw e;
        }
    }

    @Override
    public boolean exists(String name) throws IOException {
        String key = object(name);
        try {
            s3.headObject(r -> r.bucket(bucket).key(key));
            return true;
        } catch (NoSuchKeyException e) {
            return false;
        } catch (SdkException e) {
            if (status(e) == 404) {
                return false;
            }
            throw failure("look up", name, e);
        }
    }

    @Override
    public boolean createIfAbsent(String name, byte[] content) throws IOException {
        return create(name, RequestBody.fromBytes(content));
    }

    @Override
    public boolean createIfAbsent(String name, Path content) throws IOException {
        return create(name, RequestBody.fromFile(content));
    }

    private boolean create(String name, RequestBody body) throws IOException {
        String key = object(name);
        try {
            s3.putObject(r -> r.bucket(bucket).key(key).ifNoneMatch("*"), body);
            return true;
        } catch (SdkException e) {
            int status = status(e);
            // 412: it exists. 409: a concurrent conditional write to the same key is in progress.
            if (status == 412 || status == 409) {
                return false;
            }
            throw failure("create", name, e);
        }
    }

    @Override
    public void overwrite(String name, byte[] content) throws IOException {
        put(name, RequestBody.fromBytes(content));
    }

    @Override
    public void overwrite(String name, Path content) throws IOException {
        put(name, RequestBody.fromFile(content));
    }

    private void put(String name, RequestBody body) throws IOException {
        String key = object(name);
        try {
            s3.putObject(r -> r.bucket(bucket).key(key), body);
        } catch (SdkException e) {
            throw failure("write", name, e);
        }
    }

    @Override
    public void delete(String name) throws IOException {
        String key = object(name);
        try {
            s3.deleteObject(r -> r.bucket(bucket).key(key));
        } catch (SdkException e) {
            if (status(e) != 404) {
                throw failure("delete", name, e);
            }
        }
    }

    private static int status(SdkException e) {
        return e instanceof S3Exception s ? s.statusCode() : -1;
    }

    /** The SDK's failure as an IOException naming the bucket and object, never a credential. */
    private IOException failure(String what, String name, SdkException e) {
        int status = status(e);
        String code = e instanceof S3Exception s && s.awsErrorDetails() != null
                ? s.awsErrorDetails().errorCode() : null;
        String msg = "cannot " + what + " s3://" + bucket + "/" + prefix + name + ": "
                + (status > 0 ? "HTTP " + status + (code == null ? "" : " " + code) : e.getClass().getSimpleName()
                + ": " + firstLine(e.getMessage()));
        if (status == 403) {
            return new RegistryAccessDeniedException(msg + " (the credentials lack the permission)", null);
        }
        return new IOException(msg);
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    @Override
    public void close() {
        s3.close();
    }

    @Override
    public String toString() {
        return "S3Registry{" + uri + "}";
    }

    /** The provider of {@code s3:} registries. */
    public static final class Provider implements ModelRegistryProvider {
        @Override
        public String scheme() {
            return "s3";
        }

        @Override
        public ModelRegistry open(RemoteSettings settings) {
            return S3Registry.open(settings);
        }
    }

}
