package io.rimirec.core.onnx;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeSet;

/**
 * The files of a model-part artifact (a manifest plus ONNX graphs), read from a directory or from memory (a bundle
 * part), so each part has one loading path whatever the source. Missing files fail with a message that names the
 * file as the user knows it.
 */
public interface ArtifactFiles {

    /** The file's name as messages show it (a path, or a bundle entry). */
    String name(String file);

    byte[] read(String file) throws IOException;

    /** @param kind what the artifact is ("generator", "user tower"), for messages */
    static ArtifactFiles inDirectory(Path dir, String kind) {
        return new ArtifactFiles() {
            @Override
            public String name(String file) {
                return dir.resolve(file).toString();
            }

            @Override
            public byte[] read(String file) throws IOException {
                Path p = dir.resolve(file);
                if (!Files.isRegularFile(p)) {
                    throw new IOException(describe(kind, file) + " [" + p + "] does not exist");
                }
                return Files.readAllBytes(p);
            }
        };
    }

    /**
     * @param files file name to bytes
     * @param where prefix of the names in messages (e.g. {@code bundle part generator/})
     * @param kind  what the artifact is, for messages
     */
    static ArtifactFiles inMemory(Map<String, byte[]> files, String where, String kind) {
        return new ArtifactFiles() {
            @Override
            public String name(String file) {
                return where + file;
            }

            @Override
            public byte[] read(String file) throws IOException {
                byte[] b = files.get(file);
                if (b == null) {
                    throw new IOException(describe(kind, file) + " [" + where + file + "] does not exist (files: "
                        + new TreeSet<>(files.keySet()) + ")");
                }
                return b;
            }
        };
    }

    private static String describe(String kind, String file) {
        return file.endsWith(".onnx") ? "ONNX model file" : kind + " file";
    }
}
