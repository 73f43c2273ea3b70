package io.rimirec.tools.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rimirec.core.util.ProgressListener;
import io.rimirec.core.vector.Metric;
import io.rimirec.tools.bundle.BundlePacker;
import io.rimirec.tools.cluster.LocalCluster;
import io.rimirec.tools.demo.Demo;
import io.rimirec.tools.opensearch.IndexTemplates;
import io.rimirec.tools.opensearch.JsonHttp;
import io.rimirec.tools.opensearch.ModelStoreClient;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.opensearch.client.Request;
import org.opensearch.client.Response;
import org.opensearch.client.ResponseException;
import org.opensearch.client.RestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code rimirec bench faults}: rimirec queries at a fixed rate on a 3-node cluster (3 shards, 1 replica) while a data
 * node and then the elected cluster manager are killed with SIGKILL, models are uploaded during each fault, and the
 * nodes are restarted. Every answer is compared with the answer the same query got before any fault: a query either
 * fails, or answers with a Warning that it is partial, or answers complete, and a complete answer that differs from
 * the fault-free one is <em>wrong</em>. Target: 0 wrong answers; failures only around the kills.
 */
@Command(name = "faults", mixinStandardHelpOptions = true,
    description = "Fault campaign on a local 3-node cluster: fixed-rate rimirec queries while a data node and then the elected "
        + "cluster manager are killed (SIGKILL), models are uploaded during each fault, and the nodes restarted. Reports "
        + "queries sent, failed, partial and wrong (a complete answer that differs from the fault-free one), and the time to "
        + "complete answers and to green after each kill. Target: 0 wrong.")
public final class BenchFaultsCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--rate", defaultValue = "20", description = "Queries per second (default: ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--users", defaultValue = "40", description = "Distinct users queried in rotation (default: ${DEFAULT-VALUE}).")
    int users;

    @Option(names = "--fault-seconds", defaultValue = "15", description = "How long each node stays down (default: ${DEFAULT-VALUE}).")
    int faultSeconds;

    @Option(names = "--items", defaultValue = "20000", description = "Catalogue size (default: ${DEFAULT-VALUE}).")
    int items;

    @Option(names = "--heap", defaultValue = "512m", description = "Heap per node (default: ${DEFAULT-VALUE}).")
    String heap;

    @Mixin
    OpenSearchDirOption opensearch;

    /** One query's outcome. */
    private record Outcome(long atMillis, String user, int status, boolean partial, boolean wrong, String detail) {}

    @Override
    public Integer call() throws Exception {
        CliSupport.atLeast(spec, "--rate", rate, 1);
        CliSupport.atLeast(spec, "--users", users, 1);
        CliSupport.atLeast(spec, "--fault-seconds", faultSeconds, 1);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try (LocalCluster cluster = LocalCluster.builder().zips(opensearch.zips()).nodes(3).heap(heap).start()) {
            JsonHttp http = new JsonHttp(cluster.restClient());
            Demo.Options options = Demo.Options.defaults().withItems(items).withLeafCapacity(200).withTraining(300, 2)
                .withIndex("items-faults").withModelId("faults");
            // 3 shards with a replica each, so every shard survives one node; the templates give mappings and pipeline.
            IndexTemplates.installAll(http, IndexTemplates.vectorField(options.dimension(), Metric.COSINE.knnSpaceType()),
                IndexTemplates.model(options.modelId()));
            http.put("/" + options.index(), Map.of("settings", Map.of("number_of_shards", 3, "number_of_replicas", 1)));
            Demo.Setup setup = new Demo(http, options, err, ProgressListener.NONE).setUp(users);
            byte[][] versions = {BundlePacker.renamed(setup.bundle(), "a"), BundlePacker.renamed(setup.bundle(), "b")};
            http.get("/_cluster/health/" + options.index() + "?wait_for_status=green&timeout=60s");
            List<List<String>> histories = setup.newUsers().stream().map(Demo::historyIds).toList();

            // Fault-free answers, asked twice: a difference between the two would make "wrong" meaningless.
            List<List<String>> reference = new ArrayList<>();
            int unstable = 0;
            for (List<String> h : histories) {
                List<String> first = ids(http.post("/" + options.index() + "/_search", body(options, h)));
                List<String> again = ids(http.post("/" + options.index() + "/_search", body(options, h)));
                unstable += first.equals(again) ? 0 : 1;
                reference.add(first);
            }
            err.printf(Locale.ROOT, "fault-free answers of %d users (asked twice: %d differed)%n", histories.size(), unstable);

            ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
            ConcurrentLinkedQueue<String> events = new ConcurrentLinkedQueue<>();
            long t0 = System.currentTimeMillis();
            AtomicInteger next = new AtomicInteger();
            ScheduledExecutorService load = Executors.newScheduledThreadPool(4);
            RestClient client = cluster.restClient();
            load.scheduleAtFixedRate(() -> {
                int u = next.getAndIncrement() % histories.size();
                outcomes.add(query(client, options, histories.get(u), reference.get(u), "u" + u, t0));
            }, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);

            try {
                pause(5);
                List<long[]> faults = new ArrayList<>(); // {kill at, green again at}
                for (boolean manager : new boolean[] {false, true}) {
                    LocalCluster.Node victim = victim(cluster, http, manager);
                    long killedAt = System.currentTimeMillis() - t0;
                    victim.process().orElseThrow().destroyForcibly();
                    events.add(String.format(Locale.ROOT, "%6.1f s  killed %s (%s) with SIGKILL", killedAt / 1e3, victim.name(),
                        manager ? "the elected cluster manager" : "a data node"));
                    pause(faultSeconds / 3.0);
                    JsonHttp survivor = new JsonHttp(client);
                    try {
                        new ModelStoreClient(survivor).upload(options.modelId(), versions[faults.size() % 2]);
                        events.add(String.format(Locale.ROOT, "%6.1f s  uploaded a new version of the model", (System.currentTimeMillis() - t0) / 1e3));
                    } catch (IOException e) {
                        events.add(String.format(Locale.ROOT, "%6.1f s  upload during the fault failed: %s", (System.currentTimeMillis() - t0) / 1e3,
                            e.getMessage()));
                    }
                    pause(faultSeconds * 2 / 3.0);
                    cluster.restart(victim);
                    events.add(String.format(Locale.ROOT, "%6.1f s  %s restarted and in the cluster", (System.currentTimeMillis() - t0) / 1e3,
                        victim.name()));
                    survivor.get("/_cluster/health/" + options.index() + "?wait_for_status=green&timeout=120s");
                    long green = System.currentTimeMillis() - t0;
                    events.add(String.format(Locale.ROOT, "%6.1f s  index green again", green / 1e3));
                    faults.add(new long[] {killedAt, green});
                    pause(5);
                }
                load.shutdown();
                load.awaitTermination(60, TimeUnit.SECONDS);
                report(out, new ArrayList<>(outcomes), new ArrayList<>(events), faults, unstable, histories.size());
            } finally {
                load.shutdownNow();
            }
            List<Outcome> all = new ArrayList<>(outcomes);
            return all.stream().anyMatch(Outcome::wrong) ? 1 : 0;
        }
    }

    private ObjectNode body(Demo.Options options, List<String> history) {
        ObjectNode b = Demo.rimirecBody(options.modelId(), history, 20, 6);
        // A wide candidate list makes every shard copy's per-circle search exact on this catalogue, so a replica answers
        // as its primary would and a difference means a wrong answer, not HNSW's approximation.
        ((ObjectNode) b.path("query").path("rimirec")).put("ef_search", 1000);
        return b;
    }

    private Outcome query(RestClient client, Demo.Options options, List<String> history, List<String> expected, String user, long t0) {
        long at = System.currentTimeMillis() - t0;
        Request request = new Request("POST", "/" + options.index() + "/_search");
        request.setJsonEntity(body(options, history).toString());
        try {
            Response r = client.performRequest(request);
            JsonNode json = JsonHttp.MAPPER.readTree(EntityUtils.toString(r.getEntity()));
            boolean partial = r.getWarnings().stream().anyMatch(w -> w.contains("partial results"))
                || json.path("_shards").path("failed").asInt() > 0;
            List<String> ids = ids(json);
            boolean wrong = !partial && !ids.equals(expected);
            return new Outcome(at, user, 200, partial, wrong, wrong ? "expected " + expected + " got " + ids : "");
        } catch (ResponseException e) {
            String reason;
            try {
                reason = JsonHttp.MAPPER.readTree(EntityUtils.toString(e.getResponse().getEntity())).path("error").path("reason").asText();
            } catch (Exception ex) {
                reason = e.getMessage();
            }
            return new Outcome(at, user, e.getResponse().getStatusLine().getStatusCode(), false, false, reason);
        } catch (Exception e) {
            return new Outcome(at, user, -1, false, false, e.toString());
        }
    }

    private static List<String> ids(JsonNode response) {
        List<String> ids = new ArrayList<>();
        response.path("hits").path("hits").forEach(h -> ids.add(h.path("_id").asText()));
        return ids;
    }

    /** A data node that is not the elected cluster manager, or the elected cluster manager. */
    private static LocalCluster.Node victim(LocalCluster cluster, JsonHttp http, boolean manager) throws IOException {
        String elected = http.get("/_cat/cluster_manager?format=json").get(0).path("node").asText();
        for (LocalCluster.Node n : cluster.nodes()) {
            if (n.name().equals(elected) == manager) {
                return n;
            }
        }
        throw new IllegalStateException("no node to kill (elected cluster manager: " + elected + ")");
    }

    private void report(PrintWriter out, List<Outcome> outcomes, List<String> events, List<long[]> faults, int unstable, int users) {
        outcomes.sort((a, b) -> Long.compare(a.atMillis(), b.atMillis()));
        long ok = outcomes.stream().filter(o -> o.status() == 200 && !o.partial() && !o.wrong()).count();
        long partial = outcomes.stream().filter(Outcome::partial).count();
        long failed = outcomes.stream().filter(o -> o.status() != 200).count();
        long wrong = outcomes.stream().filter(Outcome::wrong).count();
        out.println("events:");
        events.forEach(e -> out.println("  " + e));
        out.printf(Locale.ROOT, "queries: %d sent, %d complete and right, %d failed, %d answered as partial (Warning header), "
            + "%d WRONG (complete, yet not the fault-free answer); fault-free answers asked twice differed for %d of %d users%n",
            outcomes.size(), ok, failed, partial, wrong, unstable, users);
        String[] labels = {"data node", "cluster manager"};
        for (int f = 0; f < faults.size(); f++) {
            long kill = faults.get(f)[0];
            long nextKill = f + 1 < faults.size() ? faults.get(f + 1)[0] : Long.MAX_VALUE;
            List<Outcome> during = outcomes.stream().filter(o -> o.atMillis() >= kill && o.atMillis() < nextKill).toList();
            long bad = during.stream().filter(o -> o.status() != 200 || o.partial()).count();
            long lastBadAt = during.stream().filter(o -> o.status() != 200 || o.partial()).mapToLong(Outcome::atMillis).max().orElse(kill);
            out.printf(Locale.ROOT, "%s killed at %.1f s: %d queries until the next fault, %d failed or partial%s; index green again "
                + "%.1f s after the kill (%d s of it down on purpose)%n", labels[f], kill / 1e3, during.size(), bad,
                bad == 0 ? "" : String.format(Locale.ROOT, ", the last %.1f s after the kill", (lastBadAt - kill) / 1e3),
                (faults.get(f)[1] - kill) / 1e3, faultSeconds);
        }
        List<String> reasons = new ArrayList<>();
        outcomes.stream().filter(o -> o.status() != 200 || o.wrong()).limit(5).forEach(o -> reasons.add(String.format(Locale.ROOT,
            "%.1f s %s %s: %s", o.atMillis() / 1e3, o.user(), o.status() == -1 ? "no answer" : Integer.toString(o.status()),
            o.detail().length() > 300 ? o.detail().substring(0, 300) + "..." : o.detail())));
        if (!reasons.isEmpty()) {
            out.println("first failures:");
            reasons.forEach(r -> out.println("  " + r));
        }
        out.println(wrong == 0 ? "target met: no wrong answer presented as complete" : "TARGET MISSED: wrong answers presented as complete");
        out.flush();
    }

    private static void pause(double seconds) throws InterruptedException {
        Thread.sleep((long) (seconds * 1000));
    }
}
