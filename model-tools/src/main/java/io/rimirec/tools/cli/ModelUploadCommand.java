package io.rimirec.tools.cli;

import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelStoreClient;
import org.opensearch.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code rimirec model upload --id ml1m bundle.zip}. */
@Command(name = "upload", mixinStandardHelpOptions = true, description = "Upload (create or replace) a bundle as model <id>.")
public final class ModelUploadCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    ClusterOptions cluster;

    @Option(names = "--id", required = true, description = "The model id queries and pipelines will use.")
    String id;

    @Option(names = "--allow-tree-change", description = "Replace model <id> even when the new bundle's tree or codebook differs "
        + "from the stored one's. Its items then carry the old circles until they are re-stamped (_update_by_query through the "
        + "pipeline), and queries refuse them meanwhile; a new model id and an alias swap avoid that (docs/model-store.md).")
    boolean allowTreeChange;

    @Parameters(index = "0", paramLabel = "<bundle.zip>", description = "A bundle made by 'rimirec model pack'.")
    Path bundle;

    @Override
    public Integer call() throws Exception {
        CliSupport.existingFile(spec, "bundle", bundle);
        try (RestClient client = cluster.client()) {
            var answer = new ModelStoreClient(new JsonHttp(client)).upload(id, Files.readAllBytes(bundle), allowTreeChange);
            spec.commandLine().getOut().println(ClusterOptions.pretty(answer));
        }
        return 0;
    }
}
