package io.rimirec.tools.cli;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.rimirec.tools.opensearch.JsonHttp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opensearch.client.RestClient;
import picocli.CommandLine;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CLI against a secured cluster: basic authentication, https with the cluster's CA, or none for a test cluster. */
class ClusterOptionsTest {

    @TempDir
    Path tmp;
    private HttpServer server;
    private final AtomicReference<String> authorization = new AtomicReference<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private ClusterOptions parse(String... args) {
        ClusterOptions o = new ClusterOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    private void serve(HttpServer s) {
        server = s;
        server.createContext("/", exchange -> {
            authorization.set(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = "{\"ok\": true}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @Test
    void basicAuthenticationIsSentWithThePasswordFromAFileOrTheEnvironmentNeverTheCommandLine() throws Exception {
        serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        Files.writeString(tmp.resolve("pw"), "s3cret\n");
        try (RestClient c = parse("--url", url, "--user", "admin", "--password-file", tmp.resolve("pw").toString()).client(Map.of())) {
            assertTrue(new JsonHttp(c).get("/").path("ok").asBoolean());
        }
        assertEquals("Basic YWRtaW46czNjcmV0", authorization.get(), "admin:s3cret");
        try (RestClient c = parse("--url", url, "--user", "admin").client(Map.of(ClusterOptions.PASSWORD_ENV, "fromenv"))) {
            new JsonHttp(c).get("/");
        }
        assertEquals("Basic YWRtaW46ZnJvbWVudg==", authorization.get());
        try (RestClient c = parse("--url", url).client(Map.of())) {
            new JsonHttp(c).get("/");
        }
        assertNull(authorization.get(), "no user, no header");

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("--url", url, "--user", "admin").client(Map.of()));
        assertTrue(e.getMessage().contains("set " + ClusterOptions.PASSWORD_ENV + " or give --password-file"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("--url", url, "--insecure").client(Map.of()));
        assertTrue(e.getMessage().contains("for an https --url"), e.getMessage());
    }

    @Test
    void anApiKeyOrTokenIsSentAsTheWholeAuthorizationHeaderFromAFileOrTheEnvironment() throws Exception {
        serve(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        String url = "http://127.0.0.1:" + server.getAddress().getPort();
        Files.writeString(tmp.resolve("key"), "ApiKey c2VjcmV0\n");
        try (RestClient c = parse("--url", url, "--authorization-file", tmp.resolve("key").toString()).client(Map.of())) {
            new JsonHttp(c).get("/");
        }
        assertEquals("ApiKey c2VjcmV0", authorization.get());
        try (RestClient c = parse("--url", url).client(Map.of(ClusterOptions.AUTHORIZATION_ENV, "Bearer eyJhbGc"))) {
            new JsonHttp(c).get("/");
        }
        assertEquals("Bearer eyJhbGc", authorization.get());
        IllegalArgumentException both = assertThrows(IllegalArgumentException.class, () -> parse("--url", url, "--user", "admin",
            "--authorization-file", tmp.resolve("key").toString()).client(Map.of(ClusterOptions.PASSWORD_ENV, "pw")));
        assertTrue(both.getMessage().contains("not both"), both.getMessage());
        Files.writeString(tmp.resolve("empty"), "");
        IllegalArgumentException empty = assertThrows(IllegalArgumentException.class,
            () -> parse("--url", url, "--authorization-file", tmp.resolve("empty").toString()).client(Map.of()));
        assertTrue(empty.getMessage().contains("is empty"), empty.getMessage());
    }

    @Test
    void httpsTrustsTheGivenAuthorityOrWithInsecureAnyCertificateButNotAnUnknownOneByDefault() throws Exception {
        // A self-signed certificate for 127.0.0.1, made with the JDK's keytool, served by the JDK's HTTPS server.
        Path keystore = tmp.resolve("server.p12");
        Path pem = tmp.resolve("ca.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "node", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
            "-ext", "SAN=IP:127.0.0.1", "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(),
            "-storepass", "changeit", "-keypass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "node", "-keystore", keystore.toString(), "-storepass", "changeit",
            "-file", pem.toString());
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            ks.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), null, null);
        HttpsServer https = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        https.setHttpsConfigurator(new HttpsConfigurator(ssl));
        serve(https);
        String url = "https://127.0.0.1:" + server.getAddress().getPort();

        try (RestClient c = parse("--url", url, "--ca-cert", pem.toString()).client(Map.of())) {
            assertTrue(new JsonHttp(c).get("/").path("ok").asBoolean(), "trusted through --ca-cert");
        }
        try (RestClient c = parse("--url", url, "--insecure").client(Map.of())) {
            assertTrue(new JsonHttp(c).get("/").path("ok").asBoolean(), "--insecure");
        }
        try (RestClient c = parse("--url", url).client(Map.of())) {
            assertThrows(IOException.class, () -> new JsonHttp(c).get("/"), "an unknown authority is refused by default");
        }
        Files.writeString(tmp.resolve("empty.pem"), "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
            () -> parse("--url", url, "--ca-cert", tmp.resolve("empty.pem").toString()).client(Map.of()));
        assertTrue(e.getMessage().contains("holds no certificate"), e.getMessage());
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", cmd) + ": " + out);
    }
}
