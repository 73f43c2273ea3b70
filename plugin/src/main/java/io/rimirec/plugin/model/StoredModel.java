package io.rimirec.plugin.model;

import org.opensearch.core.common.io.stream.StreamInput;
import org.opensearch.core.common.io.stream.StreamOutput;
import org.opensearch.core.common.io.stream.Writeable;
import org.opensearch.core.xcontent.ToXContentObject;
import org.opensearch.core.xcontent.XContentBuilder;

import java.io.IOException;
import java.util.Map;

/**
 * What the model store knows about a stored model without loading it: its id, the SHA-256 and size of the uploaded
 * bundle, how it is chunked, when it was uploaded and its manifest (as JSON). Returned by the GET and PUT APIs.
 */
public record StoredModel(
    String id,
    String hash,
    long size,
    int chunkCount,
    String uploadedAt,
    Map<String, Object> manifest,
    long seqNo,
    long primaryTerm
) implements Writeable, ToXContentObject {

    public StoredModel(StreamInput in) throws IOException {
        this(in.readString(), in.readString(), in.readVLong(), in.readVInt(), in.readString(), in.readMap(), in.readZLong(), in.readVLong());
    }

    @Override
    public void writeTo(StreamOutput out) throws IOException {
        out.writeString(id);
        out.writeString(hash);
        out.writeVLong(size);
        out.writeVInt(chunkCount);
        out.writeString(uploadedAt);
        out.writeMap(manifest);
        out.writeZLong(seqNo);
        out.writeVLong(primaryTerm);
    }

    @Override
    public XContentBuilder toXContent(XContentBuilder builder, Params params) throws IOException {
        builder.startObject();
        builder.field("model_id", id);
        builder.field("hash", hash);
        builder.field("size_in_bytes", size);
        builder.field("uploaded_at", uploadedAt);
        builder.field("manifest", manifest);
        builder.endObject();
        return builder;
    }
}
