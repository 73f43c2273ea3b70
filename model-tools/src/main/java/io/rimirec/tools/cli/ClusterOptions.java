package io.rimirec.tools.cli;

import io.rimirec.tools.opensearch.JsonHttp;
import org.apache.hc.client5.http.impl.nio.PoolingAsyncClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.message.BasicHeader;
import org.opensearch.client.RestClient;
import org.opensearch.client.RestClientBuilder;
import picocli.CommandLine.Option;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.Map;

/**
 * Which cluster a command talks to, and how: {@code --url}, HTTP basic authentication (a secured cluster's internal
 * users), and for {@code https} the certificate authority to trust (or, for a test cluster, none).
 */
public final class ClusterOptions {

    /** Where the password comes from when {@code --user} is given without {@code --password-file}. */
    public static final String PASSWORD_ENV = "RIMIREC_PASSWORD";
    /** An Authorization header value (an API key, a token) when neither {@code --user} nor {@code --authorization-file} is given. */
    public static final String AUTHORIZATION_ENV = "RIMIREC_AUTHORIZATION";

    @Option(names = "--url", defaultValue = "http://localhost:9200", paramLabel = "<url>",
        description = "The cluster's HTTP address, http or https (default: ${DEFAULT-VALUE}).")
    String url;

    @Option(names = "--user", paramLabel = "<name>",
        description = "HTTP basic authentication user; the password comes from --password-file or the " + PASSWORD_ENV
            + " environment variable (never from the command line, where other users of the machine could read it).")
    String user;

    @Option(names = "--password-file", paramLabel = "<file>", description = "A file whose first line is the password of --user.")
    Path passwordFile;

    @Option(names = "--authorization-file", paramLabel = "<file>",
        description = "A file whose first line is sent as the Authorization header, whole: an API key or token of any scheme "
            + "(\"ApiKey ...\", \"Bearer ...\"); or set " + AUTHORIZATION_ENV + ". Instead of --user.")
    Path authorizationFile;

    @Option(names = "--ca-cert", paramLabel = "<pem>",
        description = "With an https --url: the PEM certificate(s) of the authority that signed the cluster's certificate.")
    Path caCert;

    @Option(names = "--insecure",
        description = "With an https --url: trust any certificate and host name (a test cluster with a demo certificate only).")
    boolean insecure;

    /** A client for {@link #url}; close it when done. */
    public RestClient client() {
        return client(System.getenv());
    }

    RestClient client(Map<String, String> env) {
        URI uri = URI.create(url);
        if (uri.getHost() == null || uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("--url must look like http://host:9200 or https://host:9200, got [" + url + "]");
        }
        boolean https = uri.getScheme().equals("https");
        if (!https && (caCert != null || insecure)) {
            throw new IllegalArgumentException("--ca-cert and --insecure are for an https --url, got [" + url + "]");
        }
        if (caCert != null && insecure) {
            throw new IllegalArgumentException("give --ca-cert or --insecure, not both");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : (https ? 443 : 9200);
        RestClientBuilder builder = RestClient.builder(new HttpHost(uri.getScheme(), uri.getHost(), port));
        String authorization = authorization(env);
        if (authorization != null) {
            if (user != null) {
                throw new IllegalArgumentException("give --user or --authorization-file (or " + AUTHORIZATION_ENV + "), not both");
            }
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization", authorization)});
        } else if (user != null) {
            String credentials = user + ":" + password(env);
            // Preemptive: a secured cluster answers 401 without it, and the bundle upload is not worth sending twice.
            builder.setDefaultHeaders(new Header[] {new BasicHeader("Authorization",
                "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8)))});
        } else if (passwordFile != null) {
            throw new IllegalArgumentException("--password-file needs --user");
        }
        if (https) {
            SSLContext ssl = sslContext();
            builder.setHttpClientConfigCallback(http -> http.setConnectionManager(PoolingAsyncClientConnectionManagerBuilder.create()
                .setTlsStrategy(insecure
                    ? ClientTlsStrategyBuilder.create().setSslContext(ssl).setHostnameVerifier(NoopHostnameVerifier.INSTANCE).build()
                    : ClientTlsStrategyBuilder.create().setSslContext(ssl).build())
                .build()));
        }
        return builder.build();
    }

    /** The Authorization header from --authorization-file, else from the environment (unless --user is given), else null. */
    private String authorization(Map<String, String> env) {
        if (authorizationFile != null) {
            String first;
            try {
                first = Files.readAllLines(authorizationFile, StandardCharsets.UTF_8).stream().findFirst().orElse("").trim();
            } catch (IOException e) {
                throw new IllegalArgumentException("--authorization-file " + authorizationFile + " cannot be read: " + e.getMessage(), e);
            }
            if (first.isEmpty()) {
                throw new IllegalArgumentException("--authorization-file " + authorizationFile + " is empty: expected the header value "
                    + "(e.g. \"ApiKey ...\") on its first line");
            }
            return first;
        }
        String fromEnv = env.get(AUTHORIZATION_ENV);
        return user == null && fromEnv != null && !fromEnv.isBlank() ? fromEnv.trim() : null;
    }

    private String password(Map<String, String> env) {
        try {
            if (passwordFile != null) {
                String first = Files.readAllLines(passwordFile, StandardCharsets.UTF_8).stream().findFirst().orElse("");
                if (first.isEmpty()) {
                    throw new IllegalArgumentException("--password-file " + passwordFile + " is empty: expected the password on its first line");
                }
                return first;
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("--password-file " + passwordFile + " cannot be read: " + e.getMessage(), e);
        }
        String fromEnv = env.get(PASSWORD_ENV);
        if (fromEnv == null || fromEnv.isEmpty()) {
            throw new IllegalArgumentException("--user " + user + " needs a password: set " + PASSWORD_ENV + " or give --password-file");
        }
        return fromEnv;
    }

    /** The JVM's trusted authorities, those of --ca-cert instead, or any certificate with --insecure. */
    private SSLContext sslContext() {
        try {
            SSLContext ssl = SSLContext.getInstance("TLS");
            if (insecure) {
                ssl.init(null, new TrustManager[] {new TrustAnything()}, null);
            } else if (caCert != null) {
                KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
                trusted.load(null, null);
                try (InputStream in = Files.newInputStream(caCert)) {
                    int n = 0;
                    for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                        trusted.setCertificateEntry("ca-" + n++, c);
                    }
                    if (n == 0) {
                        throw new IllegalArgumentException("--ca-cert " + caCert + " holds no certificate: expected PEM");
                    }
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(trusted);
                ssl.init(null, tmf.getTrustManagers(), null);
            } else {
                ssl.init(null, null, null);
            }
            return ssl;
        } catch (IOException e) {
            throw new IllegalArgumentException("--ca-cert " + caCert + " cannot be read: " + e.getMessage(), e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("--ca-cert " + caCert + " is not a usable certificate: " + e.getMessage(), e);
        }
    }

    /** --insecure: accepts every certificate. */
    private static final class TrustAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }

    public static String pretty(Object json) {
        try {
            return JsonHttp.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
