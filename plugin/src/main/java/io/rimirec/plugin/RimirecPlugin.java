package io.rimirec.plugin;

import org.opensearch.plugins.Plugin;

/** Entry point: wires rimirec's components into OpenSearch. Each concern lives in its own package. */
public class RimirecPlugin extends Plugin {
}
