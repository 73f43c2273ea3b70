package io.rimirec.tools.cli;

import io.rimirec.tools.cluster.OpenSearchZips;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** {@code --opensearch-dir}: where a command that starts local nodes finds the OpenSearch, k-NN and rimirec zips. */
public final class OpenSearchDirOption {

    @Option(names = "--opensearch-dir", paramLabel = "DIR", description = "Folder with " + OpenSearchZips.DISTRIBUTION_ZIP + ", "
        + OpenSearchZips.KNN_ZIP + " and " + OpenSearchZips.RIMIREC_ZIP + " (default: found beside this jar).")
    Path dir;

    /** The zips in {@code --opensearch-dir}, or those found beside this jar. */
    public OpenSearchZips zips() {
        return dir != null ? OpenSearchZips.in(dir) : OpenSearchZips.locate();
    }
}
