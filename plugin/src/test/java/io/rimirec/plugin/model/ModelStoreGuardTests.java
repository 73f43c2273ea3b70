package io.rimirec.plugin.model;

import org.junit.jupiter.api.Test;
import org.opensearch.action.bulk.BulkRequest;
import org.opensearch.action.delete.DeleteRequest;
import org.opensearch.action.index.IndexRequest;
import org.opensearch.action.search.SearchRequest;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelStoreGuardTests {

    @Test
    void aWriteNamingTheStoreOrAPatternMatchingItIsCaughtAndOthersAreNot() {
        assertTrue(ModelStoreGuard.namesStore(new BulkRequest().add(new IndexRequest("items").source(Map.of("a", 1)))
            .add(new DeleteRequest(ModelStore.INDEX, "m"))), "one item of a bulk is enough");
        assertFalse(ModelStoreGuard.namesStore(new BulkRequest().add(new IndexRequest("items").source(Map.of("a", 1)))));
        assertTrue(ModelStoreGuard.namesStore(new IndexRequest(ModelStore.INDEX).id("forged").source(Map.of("a", 1))));
        assertTrue(ModelStoreGuard.namesStore(new SearchRequest(".rimirec*")), "an explicit dot pattern that matches it");
        assertFalse(ModelStoreGuard.namesStore(new SearchRequest("*")), "a plain wildcard does not reach hidden system indexes");
        assertFalse(ModelStoreGuard.namesStore(new SearchRequest(".kibana*")));
    }
}
