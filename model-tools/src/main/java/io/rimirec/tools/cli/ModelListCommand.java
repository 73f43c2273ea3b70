package io.rimirec.tools.cli;

import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelStoreClient;
import org.opensearch.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code rimirec model list}. */
@Command(name = "list", mixinStandardHelpOptions = true, description = "List the models stored in the cluster.")
public final class ModelListCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Override
    public Integer call() throws Exception {
        try (RestClient client = cluster.client()) {
            ModelStoreClient store = new ModelStoreClient(new JsonHttp(client));
            spec.commandLine().getOut().println(ClusterOptions.pretty(store.list()));
        }
        return 0;
    }
}
