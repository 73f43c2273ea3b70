package io.rimirec.it;

/** Tests against the shared 3-node cluster (every node cluster-manager eligible and a data node). */
@ClusterShape(nodes = 3)
public abstract class ThreeNodeClusterTestCase extends ClusterTestCase {}
