package io.rimirec.plugin.model;

import org.opensearch.OpenSearchStatusException;
import org.opensearch.core.rest.RestStatus;

/** Two writers changed the same model at once; the loser gets HTTP 409 and can retry. */
public class ModelConflictException extends OpenSearchStatusException {
    public ModelConflictException(String id) {
        super("model [{}] was changed by another request at the same time; retry", RestStatus.CONFLICT, id);
    }
}
