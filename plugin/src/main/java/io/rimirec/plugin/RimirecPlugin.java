package io.rimirec.plugin;

import io.rimirec.plugin.ingest.CircleProcessor;
import io.rimirec.plugin.model.CircleTreeSource;
import io.rimirec.plugin.model.ConfigDirCircleTreeSource;

import org.opensearch.ingest.Processor;
import org.opensearch.plugins.IngestPlugin;
import org.opensearch.plugins.Plugin;

import java.util.Map;

/** Entry point: wires rimirec's components into OpenSearch. Each concern lives in its own package. */
public class RimirecPlugin extends Plugin implements IngestPlugin {

    @Override
    public Map<String, Processor.Factory> getProcessors(Processor.Parameters parameters) {
        CircleTreeSource trees = new ConfigDirCircleTreeSource(parameters.env.configDir());
        return Map.of(CircleProcessor.TYPE, new CircleProcessor.Factory(trees));
    }
}
