package io.rimirec.it;

/** Tests against the shared single-node cluster. */
@ClusterShape(nodes = 1)
public abstract class SingleNodeTestCase extends ClusterTestCase {}
