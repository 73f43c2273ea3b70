package io.rimirec.plugin.action;

import io.rimirec.plugin.model.ModelIds;
import io.rimirec.plugin.model.StoredModel;

import org.opensearch.action.ActionRequest;
import org.opensearch.action.ActionRequestValidationException;
import org.opensearch.action.ActionType;
import org.opensearch.core.action.ActionResponse;
import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.List;

/** One model's metadata ({@code GET /_plugins/rimirec/models/{id}}) or all of them ({@code GET .../models}). */
public final class GetModelAction extends ActionType<GetModelAction.Response> {

    public static final String NAME = "cluster:admin/rimirec/models/get";
    public static final GetModelAction INSTANCE = new GetModelAction();

    private GetModelAction() {
        super(NAME, Response::new);
    }

    public static final class Request extends ActionRequest {
        private final String modelId; // null = all

        public Request(String modelId) {
            this.modelId = modelId;
        }

        public Request(StreamInput in) throws IOException {
            super(in);
            modelId = in.readOptionalString();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            super.writeTo(out);
            out.writeOptionalString(modelId);
        }

        public String modelId() {
            return modelId;
        }

        @Override
        public ActionRequestValidationException validate() {
            if (modelId == null) {
                return null;
            }
            try {
                ModelIds.validate(modelId);
                return null;
            } catch (IllegalArgumentException ex) {
                ActionRequestValidationException e = new ActionRequestValidationException();
                e.addValidationError(ex.getMessage());
                return e;
            }
        }
    }

    public static final class Response extends ActionResponse implements ToXContentObject {
        private final List<StoredModel> models;
        private final boolean single;

        public Response(List<StoredModel> models, boolean single) {
            this.models = models;
            this.single = single;
        }

        public Response(StreamInput in) throws IOException {
            super(in);
            models = in.readList(StoredModel::new);
            single = in.readBoolean();
        }

        @Override
        public void writeTo(StreamOutput out) throws IOException {
            out.writeList(models);
            out.writeBoolean(single);
        }

        public List<StoredModel> models() {
            return models;
        }

        @Override
        public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
            if (single) {
                return models.get(0).toXContent(builder, params);
            }
            builder.startObject();
            builder.startArray("models");
            for (StoredModel m : models) {
                m.toXContent(builder, params);
            }
            builder.endArray();
            builder.endObject();
            return builder;
        }
    }
}
