package io.rimirec.tools.cli;

import io.rimirec.core.vector.Metric;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Option checks and converters shared by the sub-commands; failures are picocli usage errors (exit code 2). */
final class CliSupport {

    private CliSupport() {}

    static void atLeast(CommandSpec spec, String option, long value, long min) {
        if (value < min) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " must be >= " + min + ", got " + value);
        }
    }

    static void balanceRatio(CommandSpec spec, float ratio) {
        if (!(ratio == 0f || ratio >= 1f) || !Float.isFinite(ratio)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                "--balance-ratio must be 0 (plain k-means) or >= 1 (largest/smallest sibling size), got " + ratio);
        }
    }

    static void existingFile(CommandSpec spec, String option, Path file) {
        if (!Files.exists(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " file [" + file + "] does not exist");
        }
        if (!Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + " [" + file + "] is not a regular file");
        }
    }

    static int threads(CommandSpec spec, Integer threads) {
        if (threads == null) {
            return Runtime.getRuntime().availableProcessors();
        }
        atLeast(spec, "--threads", threads, 1);
        return threads;
    }

    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1fs", nanos / 1e9);
    }

    /** Accepts cosine, inner_product, l2 (and the k-NN space names cosinesimil, innerproduct). */
    static final class MetricConverter implements CommandLine.ITypeConverter<Metric> {
        @Override
        public Metric convert(String value) {
            try {
                return Metric.fromId(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
