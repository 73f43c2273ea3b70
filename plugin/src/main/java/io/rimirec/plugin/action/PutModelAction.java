package io.rimirec.plugin.action;

import io.rimirec.plugin.model.ModelIds;
import io.rimirec.plugin.model.StoredModel;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.bytes.BytesReference;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;

/** Upload (create or replace) a model bundle: {@code PUT /_plugins/rimirec/models/{id}}. */
public final class PutModelAction extends ActionType<PutModelAction.Response> {

    public static final String NAME = "cluster:admin/rimirec/models/put";
    public static final PutModelAction INSTANCE = new PutModelAction();

    private PutModelAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends ActionRequest {
        private final String modelId;
        private final BytesReference bundle;
        private final boolean allowTreeChange;

        /** @param allowTreeChange replace a stored model even when the new bundle's tree or codebook differs */
        public Request(String modelId, BytesReference bundle, boolean allowTreeChange) {
            this.modelId = modelId;
            this.bundle = bundle;
            this.allowTreeChange = allowTreeChange;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            modelId = in.readString();
            bundle = in.readBytesReference();
            allowTreeChange = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeString(modelId);
            out.writeBytesReference(bundle);
            out.writeBoolean(allowTreeChange);
        }

        public boolean allowTreeChange() {
            return allowTreeChange;
        }

        public String modelId() {
            return modelId;
        }

        public BytesReference bundle() {
            return bundle;
        }

        @Override
        public ActionRequestValidationException validate() {
            ActionRequestValidationException e = null;
            try {
                ModelIds.validate(modelId);
            } catch (IllegalArgumentException ex) {
                e = new ActionRequestValidationException();
                e.addValidationError(ex.getMessage());
            }
            if (bundle == null || bundle.length() == 0) {
                e = e == null ? new ActionRequestValidationException() : e;
                e.addValidationError("[bundle] is required: the model bundle zip, base64-encoded in JSON");
            }
            return e;
        }
    }

    public static final class Response extends ActionResponse implements ToXContentObject {
        private final StoredModel model;
        private final boolean created;

        public Response(StoredModel model, boolean created) {
            this.model = model;
            this.created = created;
        }

        public Response(StreamInput in) throws IOException {
            super(in);
            model = new StoredModel(in);
            created = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            model.writeTo(out);
            out.writeBoolean(created);
        }

        public StoredModel model() {
            return model;
        }

        public boolean created() {
            return created;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            builder.startObject();
            builder.field("result", created ? "created" : "updated");
            builder.field("model");
            model.toXContent(builder, params);
            builder.endObject();
            return builder;
        }
    }
}
