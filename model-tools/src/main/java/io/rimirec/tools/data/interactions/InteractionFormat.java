package io.rimirec.tools.data.interactions;

import java.nio.file.Path;
import java.util.Locale;

/** The interaction file layouts {@link InteractionReader} reads; every one may be gzip-compressed ({@code .gz}). */
public enum InteractionFormat {
    /** Comma-separated with a header line; fields may be quoted ({@code "a, b"}, {@code ""} for a quote). */
    CSV,
    /** Tab-separated with a header line. */
    TSV,
    /** One JSON object per line, the columns as its fields. */
    JSONL,
    /** {@code user item item ...} per line, oldest first (the {@code sequences.txt} beside ML-1M). */
    SEQUENCES,
    /** MovieLens {@code ratings.dat}: {@code user::item::rating::timestamp}, no header. */
    MOVIELENS_DAT,
    /** MovieLens-100K {@code u.data}: {@code user<TAB>item<TAB>rating<TAB>timestamp}, no header. */
    UDATA;

    /** The format named on the command line ({@code csv}, {@code tsv}, {@code jsonl}, {@code sequences}, {@code movielens}, {@code udata}). */
    public static InteractionFormat parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "csv" -> CSV;
            case "tsv" -> TSV;
            case "jsonl", "ndjson", "json" -> JSONL;
            case "sequences", "txt" -> SEQUENCES;
            case "movielens", "dat", "ratings.dat" -> MOVIELENS_DAT;
            case "udata", "u.data" -> UDATA;
            default -> throw new IllegalArgumentException("unknown interaction format [" + text
                + "]: expected csv, tsv, jsonl, sequences, movielens (ratings.dat) or udata (u.data)");
        };
    }

    /** The format a file's name says, or an error that names the flag to set. */
    public static InteractionFormat of(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".gz")) {
            name = name.substring(0, name.length() - 3);
        }
        if (name.endsWith(".csv")) {
            return CSV;
        }
        if (name.endsWith(".tsv") || name.endsWith(".tab")) {
            return TSV;
        }
        if (name.endsWith(".jsonl") || name.endsWith(".ndjson") || name.endsWith(".json")) {
            return JSONL;
        }
        if (name.endsWith(".dat")) {
            return MOVIELENS_DAT;
        }
        if (name.equals("u.data") || name.endsWith(".data")) {
            return UDATA;
        }
        if (name.endsWith(".txt")) {
            return SEQUENCES;
        }
        throw new IllegalArgumentException("cannot tell the format of [" + file + "] from its name: name it with --format "
            + "csv|tsv|jsonl|sequences|movielens|udata");
    }

    /** Whether the file starts with a header naming the columns. */
    boolean hasHeader() {
        return this == CSV || this == TSV;
    }

    public String id() {
        return switch (this) {
            case MOVIELENS_DAT -> "movielens";
            default -> name().toLowerCase(Locale.ROOT);
        };
    }
}
