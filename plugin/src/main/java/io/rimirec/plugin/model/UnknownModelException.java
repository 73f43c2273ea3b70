package io.rimirec.plugin.model;

import org.opensearch.ResourceNotFoundException;

/** A model id that no model source knows. Maps to HTTP 404. */
public class UnknownModelException extends ResourceNotFoundException {
    public UnknownModelException(String message, Object... args) {
        super(message, args);
    }
}
