package io.rimirec.core.onnx;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens ONNX Runtime sessions with one set of options. A session is created once per model file and shared by
 * every thread ({@link OrtSession#run} is thread-safe); callers keep it as long as the model is loaded.
 *
 * <p>CUDA is asked for, not assumed: when the CUDA provider cannot be added (the CPU-only jar, no driver, no
 * device) the factory logs a warning and opens the session on the CPU, and {@link #provider()} says which one
 * is in use. A build without the provider is noticed at construction (so a node logs it at start-up); a missing
 * driver or device only when the first session is opened.
 */
public final class OnnxSessionFactory {

    private static final System.Logger LOG = System.getLogger(OnnxSessionFactory.class.getName());

    /**
     * @param intraOpThreads threads ONNX Runtime may use inside one operator (1 suits a server that runs many
     *                       queries at once; 0 lets ONNX Runtime decide)
     * @param cuda           ask for the CUDA execution provider
     * @param cudaDevice     the CUDA device id
     */
    public record Options(int intraOpThreads, boolean cuda, int cudaDevice) {
        public Options {
            if (intraOpThreads < 0) {
                throw new IllegalArgumentException("intra-op threads must be >= 0, got " + intraOpThreads);
            }
        }

        public static Options cpu(int intraOpThreads) {
            return new Options(intraOpThreads, false, 0);
        }
    }

    /** Where sessions run. */
    public enum Provider { CPU, CUDA }

    private final Options options;
    private final OrtEnvironment env;
    private volatile Provider provider;
    private volatile String fallbackReason; // why CUDA was asked for and not used; null otherwise

    public OnnxSessionFactory(Options options) {
        this.options = options;
        this.env = OrtEnvironment.getEnvironment();
        this.provider = options.cuda ? Provider.CUDA : Provider.CPU;
        if (options.cuda && !OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            fallBack("this ONNX Runtime build has no CUDA provider (available: " + OrtEnvironment.getAvailableProviders() + ")");
        }
    }

    public OrtEnvironment environment() {
        return env;
    }

    /** The provider of the sessions opened so far (CPU after a CUDA fallback). */
    public Provider provider() {
        return provider;
    }

    public Options options() {
        return options;
    }

    /** For profiles and logs: {@code cpu}, {@code cuda:<device>}, or {@code cpu (cuda requested: <why not>)}. */
    public String describe() {
        if (provider == Provider.CUDA) {
            return "cuda:" + options.cudaDevice;
        }
        String why = fallbackReason;
        return why == null ? "cpu" : "cpu (cuda requested: " + why + ")";
    }

    /** Opens {@code file}; every failure names the file. */
    public OrtSession open(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("ONNX model file [" + file + "] does not exist");
        }
        return openModel(Files.readAllBytes(file), file.toString());
    }

    /**
     * Opens a model held in memory (a bundle part, say); {@code name} says where it came from and is in every
     * message, as {@link #open(Path)} names the file.
     */
    public OrtSession openModel(byte[] model, String name) throws IOException {
        try {
            return open(model, name);
        } catch (OrtException e) {
            throw new IOException("ONNX model file [" + name + "] could not be loaded (corrupt or not an ONNX model?): " + e.getMessage(), e);
        } catch (IllegalArgumentException e) { // refused before ONNX Runtime saw it: the message names the model and why
            throw new IOException(e.getMessage(), e);
        }
    }

    /**
     * Opens a model held in memory; {@code name} is used in messages. ONNX Runtime's own errors pass through; a model
     * whose tensors point to external files, or that cannot be read to tell, is refused first with an
     * {@link IllegalArgumentException} ({@link OnnxExternalData}).
     */
    public OrtSession open(byte[] model, String name) throws OrtException {
        OnnxExternalData.refuse(model, name);
        if (provider == Provider.CUDA) {
            OrtSession.SessionOptions so = baseOptions();
            boolean cuda = false;
            try {
                so.addCUDA(options.cudaDevice);
                cuda = true;
            } catch (OrtException | RuntimeException | UnsatisfiedLinkError e) {
                so.close();
                fallBack("adding it for [" + name + "] failed: " + e.getMessage());
            }
            if (cuda) {
                try (so) {
                    return env.createSession(model, so);
                }
            }
        }
        try (OrtSession.SessionOptions so = baseOptions()) {
            return env.createSession(model, so);
        }
    }

    private void fallBack(String why) {
        fallbackReason = why;
        provider = Provider.CPU;
        LOG.log(System.Logger.Level.WARNING, "CUDA execution provider unavailable: " + why
            + "; FALLING BACK TO THE CPU. Build with -Donnxruntime.artifact=onnxruntime_gpu and install the CUDA libraries to run on a GPU.");
    }

    private OrtSession.SessionOptions baseOptions() throws OrtException {
        OrtSession.SessionOptions so = new OrtSession.SessionOptions();
        so.setIntraOpNumThreads(options.intraOpThreads);
        so.setInterOpNumThreads(1);
        so.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
        so.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        return so;
    }
}
