package io.rimirec.tools.cli;

import io.rimirec.tools.opensearch.JsonHttp;
import org.apache.hc.core5.http.HttpHost;
import org.opensearch.client.RestClient;
import picocli.CommandLine.Option;

import java.net.URI;

/** {@code --url}: which cluster a command talks to. */
public final class ClusterOptions {

    @Option(names = "--url", defaultValue = "http://localhost:9200", paramLabel = "<url>",
        description = "The cluster's HTTP address (default: ${DEFAULT-VALUE}).")
    String url;

    /** A client for {@link #url}; close it when done. */
    public RestClient client() {
        URI uri = URI.create(url);
        if (uri.getHost() == null || uri.getScheme() == null) {
            throw new IllegalArgumentException("--url must look like http://host:9200, got [" + url + "]");
        }
        int port = uri.getPort() > 0 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 9200);
        return RestClient.builder(new HttpHost(uri.getScheme(), uri.getHost(), port)).build();
    }

    public static String pretty(Object json) {
        try {
            return JsonHttp.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
