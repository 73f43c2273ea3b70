package io.rimirec.tools.data;

import java.io.IOException;

/** An item-vector file breaks the format; the message names the file and the line. */
public final class VectorFileException extends IOException {

    private final String source;
    private final long line;

    public VectorFileException(String source, long line, String problem) {
        super(source + " line " + line + ": " + problem);
        this.source = source;
        this.line = line;
    }

    public String source() {
        return source;
    }

    /** 1-based line number of the offending item. */
    public long line() {
        return line;
    }
}
